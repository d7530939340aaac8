"""The msgids the end-to-end transcripts expect, exactly as in the code. The words a reader
sees come from the catalogs through `harness.en()` / `harness.zh()`; a msgid changed in the
code without `pybabel extract` / `update` fails the lookup loudly."""

WELCOME = (
    "Welcome to Zhongyi (众议), {name}!\n\n"
    "Here neighbours decide together: answer surveys and polls of your building, report "
    "problems to the people responsible and follow them until they are fixed, and vote "
    "on meeting times and resolutions.\n\n"
    "/help lists what you can do · /language changes the language · /privacy says what "
    "is stored about you."
)
HELP_TITLE = "Commands you can use here:"
COMMANDS = {
    "start": "Welcome and what you can do here",
    "help": "The commands you can use",
    "language": "Choose the language",
    "newcommunity": "Create a community (deployment admins)",
}
CHOOSE_LANGUAGE = "Choose your language:"
LANGUAGE_SET = "Language set: {language}"
ASK_NAME = "What is the community's name? (up to 100 characters)"
ASK_TIMEZONE = ("Which time zone are its deadlines in? Press one, or send another such as "
                "Asia/Urumqi.")
BAD_TIMEZONE = ("“{timezone}” is not a time zone I know. Send one like Asia/Shanghai, or press "
                "a button.")
ASK_LANGUAGE = "Which language should its groups use by default?"
SUMMARY = "Please check:\nName: {name}\nTime zone: {timezone}\nLanguage: {language}"
CREATED = "Community “{name}” is created (number {id}). You are its first admin."
NEXT_STEPS = (
    "Next steps:\n"
    "1. The homes: /template gives the roster file to fill in, /import loads it — or build it "
    "by buttons with /units.\n"
    "2. Add me to each building's group, make me an admin there and send /bind in the group.\n"
    "3. /roles appoints floor contacts and building leads.")
BOOTSTRAP_ONLY = ("Only the operators of this bot can create a community. Please ask them to "
                  "create yours.")
CANCELLED = "Cancelled. Nothing was saved."
NOT_UNDERSTOOD = "I didn't understand that. /help lists what you can do here."
TEXT_OR_BUTTONS = "Please answer with text or the buttons above, or send /cancel."
EXPIRED = "This button has expired."
CONFIRM, START_OVER, CANCEL = "✅ Confirm", "✏️ Start over", "✖️ Cancel"
CHINESE, ENGLISH = "中文（简体）", "English"
NOTHING_TO_CANCEL = "There is nothing to cancel."
OOPS = "Something went wrong on our side. Please try again in a moment."
DIGEST_TITLE = "📋 Daily digest of {community} — {day}"
DIGEST_CONNECTED = "Groups connected: {active}"
