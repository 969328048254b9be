"""Every button's data, named once. Handlers claim these, menus show them, the LINE rich menu's
tiles and Telegram's commands press them: renaming one here renames it everywhere, and the tests
check that each is claimed by a handler.

Data is short ASCII (Telegram allows 64 bytes); a name ending in ':' is a prefix followed by a value.
"""

from __future__ import annotations

MENU = "menu"
ACCOUNT = "acct"
BENEFITS = "ben"
FUND = "fund"
FUND_SHOW = "fund:show:"  # + fund code
FUND_DISTRICT = "fund:dist:"  # + index in the district list
MEETINGS = "meet"
LANGUAGE = "lang"
LANGUAGE_SET = "lang:"  # + th | en
MY_DATA = "mydata"
DELETE = "del"
DELETE_YES = "del:yes"
CANCEL = "cancel"
# What the member wants pushed: the choices, and a kind (dues | meetings | announcements | all) on or off.
NOTIFICATIONS = "notif"
NOTIFY_ON = "notif:on:"  # + kind
NOTIFY_OFF = "notif:off:"  # + kind
# Not a button: the chat app's "added as a friend" (LINE's follow event) arrives as this press.
FOLLOW = "follow"

# Registration.
REGISTER = "reg"
REG_LINK = "reg:link"
REG_APPLY = "reg:apply"
REG_CONSENT_LINK = "reg:consent:link"
REG_CONSENT_APPLY = "reg:consent:apply"
REG_DECLINE = "reg:decline"
REG_DISTRICTS = "reg:dists"
REG_DISTRICT = "reg:dist:"  # + index in the list shown
REG_FUND = "reg:fund:"  # + fund code (or "#" + id when the code is not short ASCII)
REG_CONFIRM = "reg:confirm"
REG_RESUME = "reg:resume"  # back to the step the registration waits at
REG_ANY = "reg:"  # a registration button from an older version: answered as stale

# Buttons a person may press at any time, from a menu, a tile or a command.
ENTRY_POINTS = (MENU, ACCOUNT, BENEFITS, FUND, MEETINGS, REGISTER, LANGUAGE, MY_DATA, DELETE, CANCEL,
                NOTIFICATIONS)

# Committee tools (handlers/committee): only role-holders see them; every press is checked again.
COMMITTEE = "cm"

# Committee: announcements.
CM_ANNOUNCE = "cm:ann"
CM_ANN_NEW = "cm:ann:new"  # write a new one
CM_ANN_AUDIENCE = "cm:ann:aud:"  # + members | arrears | network | d<index in the district list>
CM_ANN_AUDIENCES = "cm:ann:auds"  # back to the choice of audience
CM_ANN_DISTRICTS = "cm:ann:dists"  # the district list (network admins)
CM_ANN_TEST = "cm:ann:test"  # a test to my own chat
CM_ANN_NOW = "cm:ann:now"
CM_ANN_LATER = "cm:ann:later"  # a date and time typed
CM_ANN_OK = "cm:ann:ok:"  # + confirmation token
CM_ANN_LIST = "cm:ann:list"
CM_ANN_SHOW = "cm:ann:show:"  # + announcement id
CM_ANN_CANCEL = "cm:ann:cx:"  # + id: asks to confirm
CM_ANN_CANCEL_OK = "cm:ann:cxok:"  # + id ":" + token
CM_ANN_EDIT_TEXT = "cm:ann:etext:"  # + id
CM_ANN_EDIT_TIME = "cm:ann:etime:"  # + id
CM_ANN_EDIT_OK = "cm:ann:eok:"  # + id ":" + token: the new text or time confirmed

# Committee: meetings.
CM_MEETINGS = "cm:meet"
CM_MEET_NEW = "cm:meet:new"
CM_MEET_SCOPE = "cm:meet:sc:"  # + fund | net (admins: the fund's meeting or a network assembly)
CM_MEET_TITLE = "cm:meet:ti:"  # + index of a common title (handlers/committee/meetings_view.TITLES)
CM_MEET_PLACE = "cm:meet:pl"  # the place of the fund's last meeting, kept in the dialog
CM_MEET_NO_AGENDA = "cm:meet:noag"
CM_MEET_MOVE = "cm:meet:mv:"  # + meeting id
CM_MEET_CANCEL = "cm:meet:cx:"  # + meeting id
CM_MEET_CONFIRM = "cm:meet:ok:"  # + confirmation token

# Committee: payments.
CM_PAYMENTS = "cm:pay"
CM_PAY_MEMBER = "cm:pay:m:"  # + member id (a search's match)
CM_PAY_MONTHS = "cm:pay:n:"  # + number of months
CM_PAY_DATE = "cm:pay:date"  # the payment was made another day: type it
CM_PAY_CONFIRM = "cm:pay:ok:"  # + confirmation token
CM_PAY_DAY = "cm:pay:day:"  # + YYYYMMDD ":" page: the treasurer's entries of a day
CM_PAY_DAY_OTHER = "cm:pay:dayx"  # the entries of another day: type it
CM_PAY_REVERSE = "cm:pay:rv:"  # + payment id
CM_PAY_REV_CONFIRM = "cm:pay:rvok:"  # + confirmation token

# Committee: applications.
CM_APPLICATIONS = "cm:app"
CM_APP_PAGE = "cm:app:pg:"  # + page (0 first), or + fund id + ":" + page for a fund named
CM_APP_FUNDS = "cm:app:funds"  # admins: the funds with applications waiting
CM_APP_APPROVE = "cm:app:ap:"  # + the application's member id
CM_APP_REJECT = "cm:app:rj:"  # + the application's member id
CM_APP_REASON = "cm:app:rs:"  # + reason code (services.applications.REASONS)
CM_APP_CONFIRM = "cm:app:ok:"  # + confirmation token

# Committee: reports.
CM_REPORTS = "cm:rep"
CM_REP_ANY = "cm:rep:"  # a reports button: the fund's id travels in it and is checked on every press
CM_REP_FUND = "cm:rep:f:"  # + fund id: that fund's report
CM_REP_ARREARS = "cm:rep:arr:"  # + fund id + ":" + page (from 0)
CM_REP_LAPSE = "cm:rep:lapse:"  # + fund id + ":" + page
CM_REP_NETWORK = "cm:rep:net"  # the network table (admins)

# Committee: the rest (hub, confirmations).
CM_ANY = "cm:"  # a committee button no tool claims (an older version's): answered as stale

# The member's own money: how much to pay now, and my payments (handlers/pay_now.py, handlers/history.py).
PAY_NOW = "paynow"
HISTORY = "hist"

# How to pay and whom to call (handlers/paying.py).
PAY_HOW = "payhow"
CONTACT = "contact"

# Committee: how members pay (handlers/committee/paying.py).
CM_PINFO = "cm:pinfo"  # the fund's channels and contact as set, a button per field
CM_PINFO_FIELD = "cm:pinfo:f:"  # + field code (services.fund_paying.FIELDS): type its new value
CM_PINFO_CLEAR = "cm:pinfo:x:"  # + field code: clear it (asks to confirm)
CM_PINFO_CONFIRM = "cm:pinfo:ok:"  # + confirmation token

# One benefit (handlers/benefits.py): clarify.py asks "which one?" with it too.
BENEFIT_ONE = "bn:"  # + a benefit's code

# Registration: reviewing an application before sending it, and an applicant without a phone.
REG_EDIT = "reg:edit:"  # + field (name | id | birth | phone | fund): change that one answer
REG_REVIEW = "reg:review"  # back to the summary without changing anything
REG_NO_PHONE = "reg:nophone"  # "I have no phone"

# Registration: which year a two-digit birth year meant (handlers/register/birth.py).
REG_BIRTH_YEAR = "reg:by:"  # + YYYYMMDD, one of the dates offered; checked against the dialog's data
