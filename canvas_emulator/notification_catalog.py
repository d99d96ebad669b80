"""Canvas's notifications and categories (spec §11.1, §11.2) and the Rails inflections naming them.

In Canvas a notification is a database row (``name``, ``category``); the API spells both through
Rails inflections, and the categories endpoint uses ``category_slug`` instead, so the three
CamelCase categories come out two ways (§11.2). Nothing here holds state or speaks HTTP.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FREQUENCIES = ("immediately", "daily", "weekly", "never")

# (DB category, Notification#default_frequency, DB notification names) — the §11.2 table.
_TABLE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Account Notification", "immediately", ("Account Notification",)),
    ("Added To Conversation", "immediately", ("Added To Conversation",)),
    ("Alert", "daily", ("Alert",)),
    (
        "All Submissions",
        "never",
        ("Assignment Submitted", "Assignment Resubmitted", "Submission Needs Grading"),
    ),
    ("Announcement", "immediately", ("New Announcement",)),
    ("Announcement Created By You", "never", ("Announcement Created By You", "Announcement Reply")),
    (
        "Appointment Availability",
        "immediately",
        ("Appointment Group Published", "Appointment Group Updated"),
    ),
    (
        "Appointment Cancelations",
        "immediately",
        ("Appointment Deleted For User", "Appointment Group Deleted"),
    ),
    ("Appointment Signups", "immediately", ("Appointment Reserved For User",)),
    ("Blueprint", "daily", ("Blueprint Content Added", "Blueprint Sync Complete")),
    ("Calendar", "never", ("New Event Created", "Event Date Changed")),
    ("Content Link Error", "daily", ("Content Link Error",)),
    ("Conversation Created", "never", ("Conversation Created",)),
    ("Conversation Message", "immediately", ("Conversation Message",)),
    ("Course Content", "never", ("Assignment Changed", "Updated Wiki Page")),
    ("Discussion", "never", ("New Discussion Topic",)),
    ("DiscussionEntry", "daily", ("New Discussion Entry",)),
    ("DiscussionMention", "immediately", ("Discussion Mention",)),
    (
        "Due Date",
        "weekly",
        (
            "Assignment Created",
            "Assignment Due Date Changed",
            "Assignment Due Date Override Changed",
            "Upcoming Assignment Alert",
        ),
    ),
    ("Files", "never", ("New File Added", "New Files Added")),
    (
        "Grading",
        "immediately",
        (
            "Assignment Graded",
            "Assignment Unmuted",
            "Submission Graded",
            "Submission Grade Changed",
            "Submission Posted",
            "Submissions Posted",
            "Quiz Regrade Finished",
        ),
    ),
    ("Grading Policies", "weekly", ("Grade Weight Changed",)),
    (
        "Invitation",
        "immediately",
        (
            "Collaboration Invitation",
            "Web Conference Invitation",
            "New Context Group Membership Invitation",
            "Peer Review Invitation",
            "Rubric Assessment Invitation",
            "Rubric Assessment Submission Reminder",
            "Rubric Association Created",
        ),
    ),
    ("Late Grading", "daily", ("Assignment Submitted Late", "Group Assignment Submitted Late")),
    (
        "Membership Update",
        "daily",
        (
            "New Context Group Membership",
            "Group Membership Accepted",
            "Group Membership Rejected",
        ),
    ),
    (
        "Migration",
        "immediately",
        (
            "Migration Export Ready",
            "Migration Import Finished",
            "Migration Import Failed",
            "Content Export Finished",
            "Content Export Failed",
        ),
    ),
    (
        "Other",
        "daily",
        (
            "New Account User",
            "New Course",
            "New User",
            "Report Generated",
            "Report Generation Failed",
            "New Student Organized Group",
            "Enrollment Accepted",
        ),
    ),
    ("Recording Ready", "immediately", ("Web Conference Recording Ready",)),
    (
        "Registration",
        "immediately",
        (
            "Confirm Email Communication Channel",
            "Confirm SMS Communication Channel",
            "Confirm Registration",
            "Forgot Password",
            "Pseudonym Registration",
            "Pseudonym Registration Done",
            "Merge Email Communication Channel",
            "Account User Registration",
            "Account User Notification",
            "Enrollment Invitation",
            "Enrollment Registration",
            "Enrollment Notification",
        ),
    ),
    ("ReportedReply", "immediately", ("Reported Reply",)),
    (
        "Student Appointment Signups",
        "never",
        ("Appointment Canceled By User", "Appointment Reserved By User"),
    ),
    ("Submission Comment", "daily", ("Submission Comment", "Submission Comment For Teacher")),
    ("Summaries", "daily", ("Summaries",)),
)

# The one DB name ``find_or_update_for`` keeps as is: titleize would turn SMS into Sms (§11.4).
UNTITLEIZED_NAME = "Confirm SMS Communication Channel"


def underscore(word: str) -> str:
    """ActiveSupport ``String#underscore`` (without the ``::`` → ``/`` rule)."""
    word = re.sub(r"([A-Z\d]+)([A-Z][a-z])", r"\1_\2", word)
    word = re.sub(r"([a-z\d])([A-Z])", r"\1_\2", word)
    return word.replace("-", "_").lower()


def titleize(word: str) -> str:
    """ActiveSupport ``String#titleize``: underscore, humanize, capitalise each word."""
    text = underscore(word).lstrip("_").removesuffix("_id").replace("_", " ")
    return re.sub(r"\b(?<![\w'\u2019`()])[a-z]", lambda m: m.group(0).upper(), text)


def api_spelling(name: str) -> str:
    """``name.underscore.gsub(/\\s/, "_")`` as ``lib/api/v1/notification_policy.rb`` sends it."""
    return re.sub(r"\s", "_", underscore(name))


def category_slug(category: str) -> str:
    """``Notification#category_slug``: ``tr(" ", "_").gsub(/[^\\w]/, "").downcase``."""
    return re.sub(r"[^\w]", "", category.replace(" ", "_")).lower()


@dataclass(frozen=True)
class Notification:
    name: str  # the DB name, e.g. "New Announcement"
    category: str  # the DB category, e.g. "DiscussionEntry"
    default_frequency: str

    @property
    def api_name(self) -> str:
        return api_spelling(self.name)

    @property
    def api_category(self) -> str:
        return api_spelling(self.category)


# ``Notification.all_cached``: every row, in load order.
ALL: tuple[Notification, ...] = tuple(
    Notification(name, category, default) for category, default, names in _TABLE for name in names
)
_BY_NAME = {n.name: n for n in ALL}


def by_param(param: str) -> Notification | None:
    """``find_or_update_for``'s lookup: the URL/body name titleized, then ``by_name`` (§11.4).

    So ``new_announcement`` finds "New Announcement", but ``confirm_sms_communication_channel``
    becomes "Confirm Sms …" and finds nothing, as in Canvas.
    """
    name = param if param == UNTITLEIZED_NAME else titleize(param)
    return _BY_NAME.get(name)


def parse_category(param: str) -> str:
    """``NotificationPreferencesController#parse_category``: three literals, else titleize."""
    special = {
        "discussionentry": "DiscussionEntry",
        "discussion_mention": "DiscussionMention",
        "reported_reply": "ReportedReply",
    }
    return special.get(param, titleize(param))


def in_category(category: str) -> list[Notification]:
    return [n for n in ALL if n.category == category]
