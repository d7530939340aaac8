"""The msgids the survey transcript expects (drafting, the group post, answering, door to
door, the reminder and the results), exactly as in the code; the words come from the
catalogs through `steps.Texts`."""

# -- /survey -----------------------------------------------------------------------------------
INTRO = ("Let's write a survey. Each step is one tap or one short message; /cancel stops at "
         "any time, and nothing is sent before you press Publish.")
SCOPE = ("Who is it for? Tap the buildings or floors to include (☑). Tap › to choose inside a "
         "building. Then press ✅ Done.")
WHOLE = "{mark} The whole community"
DONE = "✅ Done ({count} chosen)"
UP = "⬆️ Up"
TITLE = ("What is the survey's title? (up to {limit} characters)\n"
         "For example: Installing a lift in building 1")
DESCRIPTION = ("Add a few words of explanation? Send them (up to {limit} characters), or press "
               "“No description”.")
NO_DESCRIPTION = "⏭ No description"
KIND = "Question {number}: how should people answer it?"
KINDS = {"single": ("🔘", "single choice"), "multi": ("☑️", "multiple choice"),
         "rating": ("⭐", "rating 1–5"), "text": ("✍️", "free text")}
QUESTION = "Please send the question (up to {limit} characters)."
OPTIONS = ("Now send the answers to choose from, in one message, one per line — from "
           "{minimum} to {limit}. For example:\nYes\nNo\nNot sure")
REQUIRED_ASK = "Must everyone answer this question?"
REQUIRED, OPTIONAL = "❗ Required", "Optional (can be skipped)"
SAVED = "Question {number} is saved. Add another one?"
MORE, ENOUGH = "➕ Add another question", "✅ Done with questions"
AUDIENCE = "Who should answer?"
AUDIENCES = ("every verified resident", "one answer per household", "owners only")
ANONYMOUS = ("Should it be anonymous? Then nobody, admins included, can see who answered "
             "what — only the totals.")
ANONYMOUS_YES, ANONYMOUS_NO = "🔒 Yes, anonymous", "👤 No"
RESULTS = "When may residents see the results?"
LIVE, AFTER = "📈 Live, while it is open", "🏁 Only after closing"
DAY = ("When should it close? Choose the day, or type the date and time, for example "
       "2026-12-05 18:00 ({timezone} time).")
TIME = "At what time on {day}? Or type another time, for example 19:30."
ANOTHER_DAY = "⬅️ Another day"
REMINDER = "Remind those who have not answered yet, {time} before the deadline?"
REMIND_YES, REMIND_NO = "🔔 Yes, remind them", "🔕 No reminder"
POST_QUESTIONS = "❓ Questions: {count}"
POST_WHO = "👥 Who answers: {audience}"
POST_UNTIL = "⏰ Open until {deadline}"
POST_LIVE = "📈 Results: shown live while it is open."
ASKED = "Question {index} of {total}"
HINT_SINGLE = "Choose one answer."
HINT_RATING = "Rate from 1 (very poor) to 5 (very good)."
SEEN = "☝️ This is exactly what residents will see."
FOR = "For: {scope}"
REMINDER_SET = "Reminder: {time} before the deadline"
PUBLISH_OR_CHANGE = "Publish it now, or change something?"
PUBLISH = "✅ Publish"
EDITS = ("✏️ Title", "✏️ Description", "✏️ Questions", "✏️ Scope", "✏️ Audience",
         "✏️ Deadline")
PUBLISHED = "✅ Published! Groups that will show it: {count}."

# -- the group post, answering ----------------------------------------------------------------
ANSWER_BUTTON = "📝 Answer 参与"
QUESTIONS = "Questions: {count}"
OPEN_UNTIL = "Open until: {deadline}"
NOT_ANONYMOUS = "👤 Not anonymous: the organizers can see your answers."
ONE_PER_HOME = "🏠 One answer per home: the latest answer from your home counts."
AT_THE_DOOR = "🚪 You are recording the answers of {household}, collected at its door."
START = "▶️ Start"
STEP = "Question {number} of {total}"
TAP = "Tap your answer."
TAP_RATING = "Tap a rating: 1 is very poor, 5 is very good."
BACK = "⬅️ Back"
YOUR_ANSWERS = "Your answers to “{title}”:"
HOME_ANSWERS = "Answers of {household} to “{title}”:"
CHECK = "Is everything right? Press “Submit”."
SUBMIT, CHANGE = "✅ Submit", "✏️ Change an answer"
THANKS = "Thank you! Your answers were recorded."
SO_FAR = "📈 Results so far: {title}"
TURNOUT_BY_FLOOR = "🏢 Turnout of “{title}” by building and floor:"
CHANGE_UNTIL = "You can change them until {deadline}: open the survey again."

# -- /pending ---------------------------------------------------------------------------------
PENDING = "Open surveys on your floors. Choose one to see the homes that have not answered yet:"
PENDING_LINE = "• {title} — homes to visit: {count} (open until {deadline})"
HOMES = "“{title}” — homes not answered yet: {count}. Which home are you visiting?"
RECORDED = ("Recorded for {household}; its residents were told and may change the answers.")
NEXT_HOME = "➡️ Next home"

# -- the sweeper: the reminder, the missing homes, the results ---------------------------------
REMINDED = "⏰ Reminder: you have not answered “{title}” yet. It closes {deadline}."
MISSING = ("📋 “{title}” closes {deadline}. Homes of {floor} nobody has answered for yet "
           "({count}): {rooms}")
RESULTS_TITLE = "📊 Results: {title}"
CLOSED = "Closed at the deadline, {deadline}."
ANSWERED = "{number}. {question} — {count} answered"
OPTION = "{option}: {count} ({share})"
MEAN = "Mean {mean} of 5 ({spread})"
TURNOUT_LINE = ("{label}: households answered {answered}/{households} ({share}); residents "
                "answered: {residents}")
TURNOUT, THIS_GROUP = "Turnout", "This group"
DOOR_SHARE = ("Households collected door to door: {count} ({share} of those that "
              "answered).")
