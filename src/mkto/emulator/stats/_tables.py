"""The stats area has no table: the counters it reports live in the emulator process (`_limits.Counters`) and
`POST /_mkto/reset` wipes them."""
