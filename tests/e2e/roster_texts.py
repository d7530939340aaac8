"""The msgids the roster transcript expects (import, binding, roles, joining, review), exactly
as in the code; the words come from the catalogs through `steps.Texts`."""

TEMPLATE_CAPTION = (
    "Roster template. Columns: compound, building, entrance (optional), floor, room, area in "
    "m², owner key (optional; the same key on several homes marks one owner). Chinese "
    "headers work too: 小区, 楼栋, 单元, 楼层, 房号, 面积, 业主编号. Fill it in and send it "
    "after /import."
)
ASK_FILE = ("Send the roster of {community} as a CSV or XLSX file (at most 5 MB). /template "
            "sends a file to fill in; /cancel stops.")
FILE_PROBLEMS = ("“{file}” has problems in {count} rows, so nothing was imported. Please fix "
                 "them and send the file again, or /cancel.")
BAD_AREA = "Row {row}: the area “{value}” is not a number of m² above 0 and below {limit}."
PREVIEW_TITLE = "Roster file “{file}” for {community}:"
PREVIEW_COUNTS = ("Compounds: {count}", "Buildings: {count}", "Floors: {count}",
                  "Households: {count}")
PREVIEW_AREA = "Total area: {area} m²"
PREVIEW_CHANGES = ("New households: {count}", "Updated households: {count}",
                   "Unchanged households: {count}")
PREVIEW_NOTE = "Nothing changes until you press Confirm."
IMPORTED = "The roster of {community} is imported."
IMPORTED_COUNTS = ("Households added: {count}", "Households updated: {count}",
                   "Households unchanged: {count}",
                   "New compounds, buildings, entrances and floors: {count}")

GROUP_INTRO = (
    "Hello! I am Zhongyi (众议), the participation bot of your community: surveys and polls, "
    "problem reports, meeting and resolution votes.\n\n"
    "To connect this group to its building or floor, a group administrator who is also a "
    "community admin or committee member sends /bind here. Residents talk to me in private; "
    "I only post here what concerns the whole group."
)
GROUP_LANGUAGE = "Choose the language of this group (group administrators only):"
NOT_CHAT_ADMIN = "Only an administrator of this Telegram group can connect it to Zhongyi."
BIND_PURPOSE = "What is this group for?"
PURPOSES = ("residents' group", "committee group", "property management group")
BIND_UNIT = "Which building or floor are these residents of?"
CHOOSE_UNIT = "✅ Choose {unit}"
UP = "⬆️ Up"
BIND_CONFIRM = "Bind this chat as the residents' group of {unit}?"
BOUND = "✅ This chat is now the {purpose} of {unit} ({community})."
JOIN_POST = ("Residents of {unit}: press Join to link your Telegram account to your home. "
             "Only verified residents take part in votes.")
JOIN_BUTTON = "🏠 Join 加入"

ROLES_ACTION = "Grant a role, or remove one?"
GRANT, REVOKE = "➕ Grant a role", "➖ Remove a role"
WHICH_ROLE = "Which role?"
FLOOR_CONTACT = "floor contact (楼道联络人)"
ROLE_WHERE = "Where does the {role} serve?"
ASK_PERSON = ("Who? Pick a verified resident, or send their @username or Telegram id (they "
              "must have started a chat with me).")
GRANT_SUMMARY = "Grant {role} to {name}, for {scope}?"
GRANTED = "✅ {name} is now {role} for {scope}."
ROLE_GRANTED = "🎖 {community}: you are now {role} for {scope}."
FLOOR_CONTACT_DUTIES = (
    "Join requests from the homes there come to you here, with buttons to approve them. "
    "/roster shows which homes have joined; /pending, the homes that have not answered a "
    "survey yet, for a visit at the door.")
ROLE_HELP = "/help lists the commands you can use."

JOIN_FLOORS = "Welcome! Which floor of {unit} do you live on?"
JOIN_ROOMS = "{floor}: which is your home?"
JOIN_RELATION = "{room}: are you its owner, a tenant or a family member?"
RELATIONS = ("owner", "tenant", "family member")
JOIN_SUMMARY = "Please check:\nHome: {floor} {room}\nYou are: {relation}\n\nSend the request?"
SEND_REQUEST = "✅ Send request"
BACK = "⬅️ Back"
REQUEST_SENT = ("Your request for {home} was sent. You will get a message here when it is "
                "approved.")
JOIN_REQUEST = "🏠 Join request\n{name} asks to join {household} as {relation}."
APPROVE, REJECT = "✅ Approve", "❌ Reject"
VERIFIED, REJECTED = "verified", "rejected"
DECIDED = "{mark} {home}: {status} by {name}."
APPROVED = ("✅ You are now a verified resident of {household}. You can take part in its "
            "surveys and votes, and report a problem in the building with /report.")
NOT_APPROVED = ("Your request to join {household} was not approved. If this is a mistake, "
                "please talk to your floor contact or the committee.")
ME_TITLE = "What Zhongyi knows about you:"
ME_HOME = "🏠 {home} — {relation}, {status}"
ROSTER_FLOOR = "📋 {floor}: {verified} of {total} homes verified"
ROSTER_VERIFIED = "✅ {names}"
ROSTER_NOBODY = "— nobody yet"
