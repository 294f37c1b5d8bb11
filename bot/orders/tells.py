"""Who is told (the recipients) and the kinds of notice an order's changes give
(bot.orders.notices finds each recipient, words each notice and picks its channel)."""

from __future__ import annotations

from enum import StrEnum

# Recipients: the resident, one member by roster key, or everyone in a role for the place.
RESIDENT = "resident"
GRID_LEADER = "grid_leader"
STAFF = "staff"
STREET = "street"  # the street office's staff, above the community (吹哨 reaches them)
HOLDER = "holder"  # whoever holds the order now
PASSED = "passed"  # the members it passed through before (handed on or declined)


def member(key: str) -> str:
    return f"member:{key}"


class Tell(StrEnum):
    """Kinds of notice; bot.orders.notices words each one and picks its channel."""

    ASSIGNED = "assigned"  # a member is given the order
    URGENT_FYI = "urgent_fyi"  # the grid leader hears of an urgent order given to someone else
    HANDED_TO_YOU = "handed_to_you"  # a member reassigned it to you
    TAKEN_FROM_YOU = "taken_from_you"  # someone else gave your order to another member
    RESIDENT_ACCEPTED = "resident_accepted"
    RESIDENT_PROGRESS = "resident_progress"
    RESIDENT_RESOLVED = "resident_resolved"
    RESIDENT_HANDED_ON = "resident_handed_on"
    RESIDENT_ESCALATED = "resident_escalated"
    ESCALATION_FYI = "escalation_fyi"  # 吹哨: grid leader and staff
    CANCELLED = "cancelled"  # the holder hears the resident cancelled
    REOPEN_FYI = "reopen_fyi"  # the grid leader hears of a low rating
    REOPENED = "reopened"  # the member who completed it hears it is open again, and who has it
    REMIND_ACCEPT = "remind_accept"
    ESCALATE_GRID = "escalate_grid"
    ESCALATE_STAFF = "escalate_staff"
    REMIND_RESOLVE = "remind_resolve"
    OVERDUE = "overdue"
    OVERDUE_FYI = "overdue_fyi"
    UNASSIGNED = "unassigned"  # nobody in the chain can take it: staff (and the grid leader)
    POSSIBLE_DANGER = "possible_danger"  # the grid leader checks a report that may be dangerous
    PLACE_ADDED = "place_added"  # the holder hears the address the resident gave later
    OFFICE_RESOLVED = "office_resolved"  # the holder hears the office closed the matter
    PLACE_CORRECTED = "place_corrected"  # the holder hears the resident corrected the address
    SURVEY = "survey"
    RESIDENT_MESSAGE = "resident_message"  # the office writes to the resident
    RESIDENT_CANCELLED = "resident_cancelled"  # the office cancelled it, with the reason
    RESIDENT_MERGED = "resident_merged"  # the order joined another
    RESIDENT_REOPENED = "resident_reopened"  # the office reopened it: the survey is withdrawn
    CHASE_UNASSIGNED = "chase_unassigned"  # an urgent order still with nobody: again, to all
    RESIDENT_URGENT_WAITING = "resident_urgent_waiting"  # nobody has taken the emergency yet
    # ... but the resident said it was over (火灭了, 没事了): asked whether it can be closed
    RESIDENT_URGENT_SETTLED = "resident_urgent_settled"
    RESIDENT_WAITING = "resident_waiting"  # the chain ran out: the office is arranging someone
    URGENT_TAKEN = "urgent_taken"  # those chased about an urgent order: someone has it now
    URGENT_MOVED = "urgent_moved"  # the grid leader alerted: the emergency is in another grid now
    HURRIED = "hurried"  # the resident presses the order: its holder (and grid leader) told
