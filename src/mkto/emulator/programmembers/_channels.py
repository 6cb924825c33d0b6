"""Program channels and their progression statuses (ordered by step), as Get Channels shows them.

A program's `channel` names one of these; a program without a channel (the shared table's default) progresses
through DEFAULT_CHANNEL's statuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Status:
    name: str
    step: int
    success: bool = False


@dataclass(frozen=True, slots=True)
class Channel:
    id: int
    name: str
    program_type: str  # program | event | nurture
    statuses: tuple[Status, ...]

    def status(self, name: str) -> Status | None:
        for status in self.statuses:
            if status.name.lower() == name.lower():
                return status
        return None


NOT_IN_PROGRAM = Status("Not in Program", 0)
_MEMBER = Status("Member", 10)

CHANNELS: Mapping[str, Channel] = {
    c.name: c
    for c in (
        Channel(1, "Email Blast", "program", (NOT_IN_PROGRAM, _MEMBER, Status("Engaged", 20, True))),
        Channel(2, "Webinar", "event", (
            NOT_IN_PROGRAM, Status("Invited", 10), Status("Registered", 20), Status("No Show", 30),
            Status("Attended", 40, True), Status("Attended On-demand", 40, True),
        )),
        Channel(3, "Blog", "program", (
            NOT_IN_PROGRAM, Status("Invited", 10), Status("Visited Booth", 20), Status("Influenced", 30, True),
        )),
        Channel(4, "Online Advertising", "program", (
            NOT_IN_PROGRAM, Status("Invited", 10), Status("Registered", 20), Status("No Show", 30),
            Status("Attended", 40, True),
        )),
        Channel(5, "Tradeshow", "event", (
            NOT_IN_PROGRAM, Status("Invited", 10), Status("Registered", 20), Status("Visited Booth", 30, True),
        )),
        Channel(6, "Nurture", "nurture", (NOT_IN_PROGRAM, _MEMBER, Status("Engaged", 20, True))),
        Channel(7, "Operational", "program", (NOT_IN_PROGRAM, _MEMBER, Status("Influenced", 20, True))),
    )
}  # fmt: skip
DEFAULT_CHANNEL = CHANNELS["Email Blast"]


def channel_of(name: str | None) -> Channel:
    return CHANNELS.get(name or "", DEFAULT_CHANNEL)
