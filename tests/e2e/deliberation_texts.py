"""The msgids the deliberation transcript expects (the meeting poll and its announcement, the
motion with its votes at the door and its result, the decision's progress and its closing),
exactly as in the code; the words come from the catalogs through `steps.Texts`."""

# -- /meeting ---------------------------------------------------------------------------------
MEETING_START = ("Let's call a meeting. /cancel stops at any time; nothing is sent before you "
                 "press Publish.\nWhat is the topic? (up to {limit} characters)")
AGENDA = ("Agenda: send each item as a message, or press an open report or a closed survey "
          "below to add it. Press ✅ Done when it is complete.")
AGENDA_DONE = "✅ Done"
PLACE = ("Where will the meeting be held? Type the place (up to {limit} characters), e.g. "
         "“Activity room, ground floor of building 3”, or press “No place yet”.")
NO_PLACE = "No place yet"
DURATION = ("How long will the meeting last? Residents will see it in the post and in their "
            "calendar.")
USUAL = "{duration} (usual)"
DAYS = ("Candidate times ({minimum} to {maximum}): choose a day ({timezone} time), or type a "
        "date and time, e.g. 2026-12-05 19:00.")
TIME = "At what time on {day}? Or type another time, e.g. 19:30."
ANOTHER_DAY = "⬅️ Another day"
TIMES = "Candidate times so far ({count} of at most {limit}):"
AT_LEAST = "Add at least {minimum}."
ADD_TIME = "➕ Add a time"
TIMES_DONE = "✅ Done with the times"
GROUPS = "Which groups should get the poll? Tap one; › shows what is inside a building."
WHOLE = "🏘 The whole community"
UP = "⬆️ Up"
DEADLINE = ("Until when may residents answer? Then I choose the time most can come to. It must "
            "be before the first time, {first}. Press a button or type a date and time, e.g. "
            "2026-12-05 18:00.")
IN_DAYS = {1: "In 1 day", 2: "In 2 days", 3: "In 3 days", 7: "In a week"}
PREVIEW = "This is how the groups will show it ({scope}). Publish it?"
PUBLISH = "✅ Publish"
PUBLISHED = ("✅ Published! Groups that will show it: {count}. At the deadline I choose the time "
             "most can come to, announce it and tell you; you can still choose another one.")

# -- the poll in the group, the chosen time ---------------------------------------------------
MEETING = "🗓 Meeting: {topic}"
PLACE_LINE = "📍 Place: {place}"
DURATION_LINE = "⏱ Duration: {duration}"
AGENDA_HEAD = "Agenda:"
ANSWER_BY = "When can you come? Answer for each time by {deadline}."
POLL_HINT = ("✅ yes · 🤔 if need be · ❌ no. Press a button of each time's row; press it again "
             "to take your answer back.")
POLL_CLOSED = "🏁 Answers are closed. The meeting is on {when}."
SAVED = "Saved: {when} — {answer}"
REMOVED = "Removed your answer for {when}."
ANSWERS = {"y": "Yes", "m": "If need be", "n": "No"}
NOT_VERIFIED = ("Only verified residents can answer. To join, press “Join” in your building's "
                "group and choose your home; your floor contact will confirm you.")
SCHEDULED = "📅 The meeting “{topic}” will be held on {when}."
CALENDAR = "Add it to your calendar with the attached file."
CHOSEN_FOR_CREATOR = (
    "🗓 Answers for “{topic}” are in. The time most can come to: {when} (✅ {yes} · 🤔 {maybe} "
    "· ❌ {no}). It was announced in the groups with a calendar file.\nPrefer another time? "
    "Press it below; the groups will be told.")

# -- /motion ----------------------------------------------------------------------------------
MOTION_START = ("🗳 A motion for {community}. What is the question to vote on? Write it so that "
                "For and Against are clear, e.g. “Install a lift in building 3, paid from the "
                "maintenance fund”.")
WHICH_RULE = "Which rule decides it?"
RULES = ("simple", "two_thirds", "art278", "art278_special")
RULE_NAMES = {
    "simple": "Simple majority of votes cast",
    "two_thirds": "Two thirds of votes cast",
    "art278": "Owners' double majority (Civil Code Art. 278)",
    "art278_special": "Owners' double majority, special matters (Art. 278 items 6–8)",
}
RULES_EXPLAINED = {
    "simple": ("Passes when more than half of the votes cast are For. One vote per household; "
               "abstentions count as votes cast."),
    "two_thirds": ("Passes when at least two thirds of the votes cast are For. One vote per "
                   "household; abstentions count as votes cast."),
    "art278": ("Owners holding at least ⅔ of the floor area and at least ⅔ of all owners must "
               "take part; passes with more than half of the participating area and more than "
               "half of the participating owners. An owner of several homes counts once, with "
               "all their area."),
    "art278_special": ("For raising the maintenance fund, renovating or rebuilding, or changing "
                       "the use of common parts: owners with at least ⅔ of the area and ⅔ of "
                       "all owners take part, and at least ¾ of the participating area and "
                       "owners vote For."),
}
WHO_VOTES = ("Who votes? The verified residents (owners, under Article 278) of the homes in:")
UNTIL_WHEN = ("Until when can people vote? Press a button, or type a date and time, for example "
              "2026-12-05 18:00 ({timezone} time).")
IN_N_DAYS = "In {days} days — {moment}"
TOMORROW = "Tomorrow — {moment}"
SECRET = ("Secret ballot? Then nobody — not even the committee — sees how anyone voted; only "
          "the turnout is shown until the end.")
SECRET_YES, SECRET_NO = "🔒 Yes, secret", "No, an open vote"
WHO_CARRIES = "If it passes, who carries it out? They will post progress until it is done."
BODIES = {"property": "Property management", "owners_committee": "Owners' committee",
          "residents_committee": "Residents' committee", "admins": "Community admins"}
CHECK = "Please check the motion:"
QUESTION = "🗳 {question}"
RULE = "Rule: {rule}"
WHO = "Who votes: {scope}"
VOTING_UNTIL = "Voting until: {deadline}"
SECRET_LINE = "Secret ballot: {answer}"
NO = "no"
CARRIED_BY = "If it passes, carried out by: {body}"
NOTHING_YET = "Nothing is posted before you press Publish."
MOTION_PUBLISH = "📣 Publish"
MOTION_PUBLISHED = "Published"
MOTION_POSTED = ("📣 Motion #{id} is posted in the groups. /motions shows it; the result is "
                 "announced at the deadline.")

# -- the motion's post, voting, door to door --------------------------------------------------
MOTION = "🗳 Motion: {question}"
OWNERS_TAKING = "Owners taking part: {cast} of {eligible} ({share}) — ⅔ needed"
AREA_TAKING = "Area taking part: {cast} of {eligible} ({share}) — ⅔ needed"
CHOICES = {"for": "👍 For", "against": "👎 Against", "abstain": "✋ Abstain"}
VOTE_UNTIL = "Vote until {deadline}. You can change your vote until then; it counts once."
VOTING_CLOSED = "Voting is closed."
DETAILS = "ℹ️ Details, door-to-door votes"
YOUR_VOTE = "Your vote: {choice}. You can change it until {deadline}."
VOTE_CHANGED = "Your vote was changed to: {choice}. You can change it until {deadline}."
DOOR = "🚪 Record votes door to door"
HOMES = "Homes that have not voted yet: {count}. Which home are you visiting?"
HOME_VOTES = ("What does this home vote? The owner's paper or spoken vote is recorded as door "
              "to door.")
RECORDED = "Recorded door to door: {choice}."
NEXT_HOME = "🚪 Next home"

# -- the result -------------------------------------------------------------------------------
RESULT = "📣 Result of the motion: {question}"
PASSED = "✅ PASSED"
CHECK_LINE = "{mark} {label}: {value} of {base} ({share}); needed: {needed}"
CHECKS = {"participation_area": "Area taking part",
          "participation_owners": "Owners taking part",
          "support_area": "Area voting For, of the area taking part",
          "support_owners": "Owners voting For, of the owners taking part"}
TWO_THIRDS, MORE_THAN_HALF = "at least two thirds", "more than half"
NOW_A_DECISION = ("It is now a decision; it is due by {due}. Progress will be posted here. "
                  "/decisions lists all decisions.")
TALLY_CSV, TALLY_XLSX = "⬇️ Tally as CSV", "⬇️ Tally as XLSX"

# -- /decisions, progress, done ---------------------------------------------------------------
DECISIONS = "Decisions of your community (open first):"
OPEN_STATUS = "🟢 open {percent} · due {day}"
DONE_STATUS = "✅ done {day}"
DECISION = "📌 Decision: {title}"
RESPONSIBLE = "Responsible: {body}"
LATEST = "Latest updates:"
POST_PROGRESS, MARK_DONE = "📈 Post progress", "✅ Mark done"
HOW_FAR = ("📈 {title}\nNow at {progress}. How far is it? (100% does not close it: “Mark done” "
           "does.)")
CANCEL = "✖️ Cancel"
NOTE = ("✍️ {percent}. Now write a short note for the residents: what was done, what comes "
        "next (up to 1000 characters).")
PHOTO = "📷 Send a photo of the work now, or press “Skip”."
SKIP = "Skip ➡️"
GROUPS_WILL_SEE = "This is what the groups in scope will see:"
PROGRESS = "📈 Progress on a decision: {title}"
PROGRESS_PUBLISHED = "📣 Published. Residents' groups in scope that will see it: {count}."
BODY_DUE = "{body} · due {day}"
CLOSING = "✅ Closing “{title}”. Send a short closing note: what was done in the end?"
CLOSE_IT = ("✅ Close the decision “{title}” as done, with this note?\n{note}\n\nThe groups in "
            "scope and the committee will be told, and so will the reporters of the cases it "
            "came from.")
CONFIRM_DONE = "✅ Confirm: it is done"
CLOSED = "✅ Done: “{title}” is closed. Groups that will hear of it: {count}."
CARRIED_OUT = "✅ Decision carried out: {title}"
DONE_LINE = "{body}, {day}: {note}"
