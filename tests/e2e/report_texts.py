"""The msgids the report transcript expects (reporting, the case card and its buttons, the
body's actions, the sweeper's reminder and escalation, the reporter's notices and rating),
exactly as in the code; the words come from the catalogs through `steps.Texts`."""

# -- /report (conversations/report_*.py, bot/ui/report_screens.py) ---------------------------
ASK_CATEGORY = "📝 Report a problem. What is it about?"
CATEGORIES = ("🔧 Repairs", "🧹 Sanitation", "⚠️ Safety hazard", "🚗 Parking and traffic",
              "🗣 Noise and neighbour disputes", "🌳 Greenery and public space",
              "👵 Elderly and child care", "📌 Other")
REPAIRS = CATEGORIES[0]
DESCRIBE = "✏️ Describe the problem in a few words: what is wrong and where exactly."
ASK_PHOTOS = "📷 Send up to {limit} photos of the problem now, or press “Skip”."
SKIP = "Skip ➡️"
PHOTO_ADDED = "📷 Photo {count} of {limit} added. Send another, or press “Next”."
NEXT = "Next ➡️"
WHERE = "📍 Where is the problem?"
MY_HOME = "🏠 My home: {home}"
ELSEWHERE = "🏢 Elsewhere in my building"
PUBLIC_AREA = "🌳 A public area of the compound"
SHARE_LOCATION = "📍 Share a location"
URGENT = ("Is it urgent — a danger to people or property right now (fire exit blocked, "
          "gas smell, water leaking, someone stuck)?")
URGENT_YES, URGENT_NO = "🚨 Yes, urgent", "No, not urgent"
CHECK = "Please check your report:"
CHECK_CATEGORY = "Category: {category}"
CHECK_PROBLEM = "Problem: {text}"
CHECK_PHOTOS = "Photos: {count}"
CHECK_WHERE = "Where: {place}"
CHECK_URGENT = "Urgent: {answer}"
CHECK_SHOWN = "Shown to neighbours: {answer}"
NO = "no"
SUBMIT = "✅ Submit"
SHOW_NEIGHBOURS = "👥 Show it to neighbours (anonymous)"
EDITS = ("✏️ Problem", "✏️ Category", "✏️ Where", "✏️ Photos")  # conversations/report_edit.py
MARK_URGENT = "⚡ Mark as urgent"
SUBMITTED = ("✅ Thank you! Your report is case {number}. {body} has been told; you will "
             "hear of every step here. /mycases lists your reports.")

# -- the case card (bot/ui/case_render.py, bot/ui/case_texts.py) ------------------------------
HEADER = "{urgent}Case {number} · {category}"
PLACE = "📍 Where: {place}"
REPORTED_BY = "👤 Reported by {name}"
RESPONSIBLE = "Responsible: {body}"
ESCALATED_TO = "Escalated to: {body}"
STATUS = "Status: {status}"
ACCEPT_BY = "⏱ Accept by {deadline}"
RESOLVE_BY = "⏱ Resolve by {deadline}"
RESOLVE_PASSED = "⚠️ Resolve deadline passed: {deadline}"
NEXT_ESCALATION = "⏫ If nobody acts, it goes to {body} at {time}"
PHOTOS_BELOW = "📷 Photos: {count} (below)"
TIMELINE = "Timeline:"
ESCALATED_TO_YOU = "⏫ Escalated to you: {body} has not acted in time."
PROPERTY, OWNERS = "Property management", "Owners' committee"
RESIDENTS_COMMITTEE = "Residents' committee"
STATUSES = {"new": "🆕 waiting to be accepted", "accepted": "🛠 being worked on",
            "resolved": "✅ resolved, waiting for the reporter's confirmation",
            "closed": "☑️ closed"}
OPEN = ("new", "info", "accepted")
EVENTS = {"submitted": "reported", "accepted": "accepted", "escalated": "escalated (overdue)",
          "resolved": "resolved", "rated": "rated"}
ACCEPT, ASK, RESOLVE = "✅ Accept", "❓ Ask for information", "🛠 Resolve"
REASSIGN, REJECT = "↪️ Reassign", "🚫 Reject"

# -- the body's actions (handlers/cases.py, conversations/case_note.py) -----------------------
ACCEPTED = "Accepted: case {number}. The reporter has been told."
RESOLVE_PROMPT = ("🛠 Case {number}: what was done? Send a short note — with a photo of the "
                  "result if you have one (the photo's caption is the note).")
RESOLVE_PHOTO_ADDED = ("📷 Photo {count} of {limit} added. Send another, or a short note of "
                       "what was done.")
RESOLVED = ("Done: case {number} is resolved. The reporter is asked to confirm and rate it.")

# -- the sweeper and the reporter's notices (bot/ui/case_notices.py) --------------------------
REMINDER = ("⏰ Reminder: case {number} must be resolved before {deadline}, or it goes up to "
            "the next level.")
NOTICE_ACCEPTED = "🛠 Your report {number} was accepted by {body}. Work on it has started."
NOTICE_ESCALATED = ("⏫ Report {number} was not handled in time and has been passed up to "
                    "{level}.")
NOTICE_RESOLVED = ("✅ Your report {number} was marked as resolved by {body}: {note}\n\nIs it "
                   "really fixed? Rate the result from 1 (bad) to 5 (very good), or reopen the "
                   "case if it is not. Without an answer the case closes in 7 days.")
REOPEN = "🔁 Not fixed — reopen"
RATED = "Thank you for your rating ({stars}). Case {number} is closed."
