"""Name facts for the synthetic residents: how common each name is, and how people write it.

The weights are rough relative frequencies in Scotland (Smith the commonest family name; John,
James and Margaret the commonest forenames of older residents, Jack and Olivia of the young),
enough to give a town its many John Smiths. The nickname and spelling lists are the generator's
own, kept apart from the engine's so the benchmark does not test the engine against itself.
"""

# Family names with a rough relative frequency. "MacDonald"-style names list the spelling the
# resident uses; clerks swap Mac and Mc, split or recase them.
FAMILY_NAMES: tuple[tuple[str, int], ...] = (
    ("Smith", 100), ("Brown", 66), ("Wilson", 62), ("Campbell", 58), ("Stewart", 56),
    ("Robertson", 56), ("Thomson", 55), ("Anderson", 50), ("MacDonald", 46), ("Scott", 45),
    ("Reid", 42), ("Murray", 42), ("Taylor", 40), ("Clark", 38), ("Mitchell", 35),
    ("Ross", 35), ("Watson", 35), ("Walker", 34), ("Paterson", 33), ("Young", 33),
    ("Morrison", 33), ("Fraser", 32), ("Miller", 32), ("Henderson", 31), ("Johnston", 30),
    ("Hamilton", 30), ("Graham", 29), ("Kerr", 28), ("Simpson", 28), ("Martin", 28),
    ("Ferguson", 27), ("Cameron", 27), ("Duncan", 26), ("Hunter", 26), ("Kelly", 26),
    ("Bell", 25), ("Grant", 25), ("MacKenzie", 25), ("Mackay", 25), ("Allan", 24),
    ("Black", 24), ("MacLeod", 24), ("McLean", 23), ("Russell", 23), ("Gibson", 22),
    ("Wallace", 22), ("Gordon", 22), ("Marshall", 21), ("Stevenson", 21), ("Wright", 21),
    ("Kennedy", 21), ("Sutherland", 20), ("Wood", 20), ("Craig", 20), ("Johnstone", 20),
    ("Mackintosh", 18), ("Sinclair", 18), ("Munro", 18), ("Gray", 18), ("Burns", 18),
    ("Docherty", 17), ("Boyle", 17), ("Macmillan", 16), ("Milne", 16), ("MacGregor", 16),
    ("Muir", 16), ("Ritchie", 15), ("Davidson", 15), ("Crawford", 15), ("Thompson", 15),
    ("White", 15), ("Hughes", 15), ("Bruce", 14), ("Jamieson", 14), ("Lawson", 14),
    ("McIntyre", 14), ("Hay", 14), ("Baird", 13), ("Dickson", 13), ("Watt", 13),
    ("O'Neill", 13), ("Gallacher", 13), ("Lindsay", 13), ("Dunn", 13), ("Donaldson", 13),
    ("Buchanan", 12), ("Cunningham", 12), ("Forbes", 12), ("Matheson", 12), ("MacInnes", 12),
    ("Christie", 11), ("McPhee", 11), ("Clarke", 11), ("Urquhart", 10), ("Cowie", 10),
    ("Gillespie", 10), ("Morgan", 10), ("McAllister", 10), ("MacRae", 10), ("McCallum", 10),
    ("O'Brien", 9), ("Sweeney", 9), ("Quinn", 9), ("Moffat", 9), ("Rennie", 9),
    ("Leslie", 9), ("Innes", 9), ("Strachan", 9), ("Bain", 9), ("Mackie", 9),
    ("Gillies", 9), ("Mair", 9), ("MacNeil", 8), ("Lamont", 8), ("Shearer", 8),
    ("Ogilvie", 8), ("Robb", 8), ("Cruickshank", 8), ("Stephen", 8), ("McLaren", 8),
    ("Chalmers", 7), ("Nicol", 7), ("Keith", 7), ("McKenzie", 7), ("MacPherson", 7),
    ("Mowat", 6), ("Low", 6), ("Philip", 6), ("Petrie", 6), ("Skinner", 6),
    ("Fyfe", 6), ("Brodie", 6), ("McGregor", 6), ("Macaulay", 6), ("McKay", 6),
    ("Duguid", 5), ("Garden", 5), ("Imrie", 5), ("Masson", 5), ("Coutts", 5),
    ("Bremner", 5), ("Ewen", 5), ("Duthie", 5), ("Geddes", 5), ("Grieve", 5),
    ("Cormack", 5), ("MacAskill", 5), ("MacIver", 5), ("McKinnon", 5), ("Buchan", 5),
    ("Gauld", 4), ("Ironside", 4), ("Souter", 4), ("Morrice", 4), ("McBain", 4),
    ("MacLennan", 4), ("MacKinlay", 4), ("Dalgarno", 3), ("Smart", 4), ("Riddell", 3),
)  # fmt: skip

# Parts for the long tail of rarer family names: place-like names ("Balfour", "Kilgour") and
# Mac/Mc names ("MacIlwraith"). Together they are about a third of residents.
TAIL_PREFIXES = (
    "Bal", "Kil", "Dal", "Strath", "Inver", "Glen", "Kin", "Pit", "Craig", "Drum", "Ard",
    "Car", "Aber", "Auchin", "Ben", "Cul", "Dun", "Fin", "Gar", "Loch", "Mel", "Ros", "Tor",
    "Tulli", "Blair", "Lang", "Brae", "Whit", "Kirk", "Ochil",
)  # fmt: skip
TAIL_SUFFIXES = (
    "four", "gour", "lonie", "more", "ton", "die", "lock", "wood", "bank", "gie", "lay",
    "rick", "ness", "doch", "airn", "ford", "land", "shaw", "law", "burn", "ey", "mond",
    "ie", "ston", "cairn", "well", "haugh", "side", "field", "muir",
)  # fmt: skip
TAIL_MAC_STEMS = (
    "Ilwraith", "Cuish", "Gowan", "Fadyen", "Naughton", "Kinnon", "Lachlan", "Phail",
    "Quarrie", "Taggart", "Ewan", "Gill", "Isaac", "Kellar", "Murchie", "Nab", "Onie",
    "Vicar", "Whirter", "Alpine", "Brayne", "Cance", "Diarmid", "Farlane", "Glashan",
    "Haffie", "Kechnie", "Lullich", "Math", "Nicol", "Olm", "Rory", "Sporran", "Tavish",
    "Uisdean", "Adam", "Bride", "Corquodale", "Dougall", "Eachern",
)  # fmt: skip

# Forenames by the decade a resident was born in: "old" before 1960, "mid" 1960-1989, "young"
# since 1990. Each is (name, weight).
GIVEN_NAMES: dict[str, dict[str, tuple[tuple[str, int], ...]]] = {
    "M": {
        "old": (
            ("John", 60), ("James", 50), ("William", 45), ("Robert", 40), ("George", 30),
            ("Alexander", 28), ("Thomas", 25), ("David", 25), ("Andrew", 20), ("Charles", 15),
            ("Hugh", 12), ("Donald", 12), ("Kenneth", 12), ("Ian", 15), ("Norman", 8),
            ("Archibald", 5), ("Angus", 6), ("Duncan", 6), ("Peter", 10), ("Alastair", 6),
            ("Gordon", 8), ("Walter", 6), ("Francis", 5), ("Malcolm", 6), ("Neil", 6),
            ("Murdo", 3), ("Iain", 5), ("Hamish", 3), ("Douglas", 7), ("Allan", 6),
        ),
        "mid": (
            ("David", 45), ("John", 35), ("James", 35), ("Paul", 30), ("Andrew", 30),
            ("Steven", 28), ("Mark", 25), ("Michael", 25), ("Scott", 22), ("Stuart", 20),
            ("Craig", 22), ("Gary", 18), ("Iain", 12), ("Graham", 12), ("Alan", 18),
            ("Kevin", 15), ("Colin", 14), ("Martin", 12), ("Derek", 10), ("Ross", 10),
            ("Christopher", 15), ("Darren", 10), ("Grant", 8), ("Euan", 8), ("Fraser", 8),
            ("Alexander", 10), ("Robert", 15), ("William", 12), ("Callum", 6), ("Gordon", 8),
            ("Stephen", 12), ("Neil", 8), ("Calum", 3), ("Alistair", 5), ("Thomas", 8),
        ),
        "young": (
            ("Jack", 35), ("Lewis", 30), ("James", 30), ("Callum", 25), ("Ryan", 25),
            ("Daniel", 25), ("Kyle", 20), ("Liam", 18), ("Oliver", 20), ("Noah", 15),
            ("Harris", 12), ("Lucas", 10), ("Leo", 12), ("Alexander", 15), ("Cameron", 15),
            ("Jamie", 18), ("Aaron", 12), ("Matthew", 15), ("Ethan", 12), ("Logan", 14),
            ("Rory", 10), ("Finlay", 10), ("Euan", 10), ("Ruaridh", 5), ("Lachlan", 6),
            ("Calum", 6), ("Fraser", 6), ("Connor", 12), ("Dylan", 10), ("Thomas", 12),
            ("Adam", 12), ("Archie", 10), ("John", 8), ("Andrew", 8), ("Robert", 6),
        ),
    },
    "F": {
        "old": (
            ("Margaret", 60), ("Mary", 50), ("Elizabeth", 40), ("Agnes", 25), ("Jean", 30),
            ("Isabella", 20), ("Catherine", 25), ("Janet", 25), ("Helen", 20), ("Christina", 15),
            ("Anne", 20), ("Annie", 12), ("Jessie", 10), ("Sarah", 12), ("Euphemia", 4),
            ("Elspeth", 5), ("Marion", 12), ("Isobel", 12), ("Georgina", 5), ("Morag", 8),
            ("Joan", 10), ("Sheila", 12), ("Patricia", 10), ("Irene", 8), ("Moira", 8),
            ("Christine", 10), ("Williamina", 2), ("Jacqueline", 3), ("Rosemary", 4),
        ),
        "mid": (
            ("Susan", 35), ("Karen", 30), ("Elizabeth", 20), ("Fiona", 25), ("Lorraine", 18),
            ("Angela", 15), ("Lisa", 20), ("Nicola", 25), ("Claire", 25), ("Gillian", 20),
            ("Michelle", 22), ("Laura", 22), ("Kirsty", 20), ("Louise", 20), ("Julie", 18),
            ("Jacqueline", 12), ("Donna", 12), ("Carol", 12), ("Joanne", 12), ("Emma", 15),
            ("Catriona", 6), ("Mhairi", 6), ("Alison", 16), ("Lynne", 10), ("Shona", 8),
            ("Morag", 4), ("Sarah", 15), ("Margaret", 8), ("Catherine", 10), ("Deborah", 6),
            ("Victoria", 6), ("Christine", 8),
        ),
        "young": (
            ("Emma", 25), ("Sophie", 25), ("Olivia", 22), ("Emily", 22), ("Isla", 20),
            ("Lucy", 18), ("Chloe", 18), ("Amy", 15), ("Rebecca", 14), ("Hannah", 15),
            ("Eilidh", 12), ("Erin", 15), ("Ava", 12), ("Freya", 12), ("Grace", 14),
            ("Ellie", 12), ("Jessica", 12), ("Katie", 14), ("Lauren", 14), ("Rachel", 10),
            ("Niamh", 8), ("Ailsa", 6), ("Mia", 10), ("Millie", 8), ("Amelia", 10),
            ("Ruby", 8), ("Orla", 6), ("Iona", 5), ("Caitlin", 12), ("Megan", 12),
            ("Elizabeth", 8), ("Mhairi", 4), ("Victoria", 6),
        ),
    },
}  # fmt: skip

# What a resident may be called in a less formal system, by the name on their birth record.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "John": ("Johnny", "Jack"),
    "James": ("Jim", "Jimmy", "Jamie"),
    "William": ("Bill", "Billy", "Willie", "Will"),
    "Robert": ("Rab", "Bob", "Bobby", "Rob", "Robbie"),
    "Alexander": ("Alex", "Sandy", "Alec", "Ally"),
    "George": ("Geordie",),
    "Thomas": ("Tom", "Tommy", "Tam"),
    "David": ("Dave", "Davie"),
    "Andrew": ("Andy", "Drew"),
    "Charles": ("Charlie", "Chic"),
    "Hugh": ("Shug", "Hughie"),
    "Donald": ("Donnie",),
    "Kenneth": ("Ken", "Kenny"),
    "Peter": ("Pete",),
    "Archibald": ("Archie",),
    "Malcolm": ("Malky",),
    "Francis": ("Frank",),
    "Walter": ("Wattie",),
    "Michael": ("Mike", "Mikey"),
    "Steven": ("Steve", "Stevie"),
    "Stephen": ("Steve", "Stevie"),
    "Christopher": ("Chris",),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",),
    "Norman": ("Norrie",),
    "Cameron": ("Cammy",),
    "Kevin": ("Kev",),
    "Douglas": ("Dougie",),
    "Margaret": ("Maggie", "Peggy", "Meg", "Maisie"),
    "Mary": ("Molly", "May"),
    "Elizabeth": ("Liz", "Beth", "Betty", "Lizzie", "Libby"),
    "Agnes": ("Nessie", "Senga"),
    "Jean": ("Jeannie",),
    "Isabella": ("Bella", "Isa"),
    "Isobel": ("Bella", "Isa"),
    "Catherine": ("Kate", "Cathy", "Katie"),
    "Janet": ("Jessie", "Jenny", "Jan"),
    "Helen": ("Nell", "Nellie"),
    "Christina": ("Chrissie", "Tina", "Kirsty"),
    "Christine": ("Chris", "Chrissie", "Kirsty"),
    "Euphemia": ("Effie", "Phemie"),
    "Sarah": ("Sally",),
    "Patricia": ("Pat", "Trish"),
    "Susan": ("Sue", "Susie"),
    "Nicola": ("Nicky",),
    "Jacqueline": ("Jackie",),
    "Gillian": ("Gill",),
    "Rebecca": ("Becky",),
    "Jessica": ("Jess",),
    "Amelia": ("Millie",),
    "Victoria": ("Vicky",),
    "Alison": ("Ali",),
    "Deborah": ("Debbie",),
    "Williamina": ("Ina", "Mina"),
    "Georgina": ("Ina",),
}

# Other spellings of the same name a clerk may type (Gaelic and English forms among them).
SPELLINGS: dict[str, tuple[str, ...]] = {
    "Ian": ("Iain",),
    "Iain": ("Ian",),
    "Callum": ("Calum",),
    "Calum": ("Callum",),
    "Alastair": ("Alistair", "Alasdair"),
    "Alistair": ("Alastair", "Alasdair"),
    "Euan": ("Ewan",),
    "Ruaridh": ("Ruairidh", "Rory"),
    "Rory": ("Ruaridh",),
    "Stephen": ("Steven",),
    "Steven": ("Stephen",),
    "Mhairi": ("Mairi", "Mhari"),
    "Catriona": ("Katrina", "Caitriona"),
    "Isobel": ("Isabel", "Ishbel"),
    "Lynne": ("Lynn",),
    "Allan": ("Alan",),
    "Alan": ("Allan",),
    "Niamh": ("Neve",),
    "Eilidh": ("Ailie",),
    "Lorraine": ("Loraine",),
    "Joanne": ("Joanna",),
    "Claire": ("Clare",),
    "Shona": ("Shonagh",),
    "Hamish": ("James",),
}

# Streets: stems and kinds, with the short forms clerks write.
STREET_STEMS = (
    "Main", "High", "Church", "Station", "Mill", "Harbour", "Castle", "Kirk", "Braehead",
    "Hillview", "Rowan", "Birch", "Heather", "Thistle", "Burnside", "Loch", "Market", "Bridge",
    "Park", "School", "Union", "King", "Queen", "Victoria", "Albert", "Wellington", "Marine",
    "Seaview", "Ashgrove", "Beech", "Glebe", "Manse", "Mansefield", "Ladywell", "Craigie",
    "Bank", "West", "East", "North", "South", "Garden", "Springfield", "Westburn", "Eastfield",
    "Dee", "Don", "Ness", "Spey", "Forth", "Clyde", "Tay", "Moray", "Bute", "Arran", "Skye",
    "Iona", "Lomond", "Morven", "Bennachie", "Cairn", "Fountain", "Well", "Netherby", "Boswell",
)  # fmt: skip
STREET_KINDS: tuple[tuple[str, str], ...] = (
    ("Street", "St"), ("Road", "Rd"), ("Avenue", "Ave"), ("Crescent", "Cres"),
    ("Drive", "Dr"), ("Place", "Pl"), ("Gardens", "Gdns"), ("Terrace", "Terr"),
    ("Court", "Ct"), ("Lane", "Ln"), ("Way", "Way"), ("Brae", "Brae"), ("Wynd", "Wynd"),
    ("Grove", "Gr"), ("Square", "Sq"), ("View", "Vw"),
)  # fmt: skip

# Towns: name, postcode districts, share of residents, tenement flat style, share in tenements,
# telephone area code. The postcode area "KL" is not a real one (as in the demo council).
TOWNS: tuple[tuple[str, tuple[int, ...], float, str, float, str], ...] = (
    ("Kinloch", (1, 2, 3), 0.42, "glasgow", 0.35, "01463"),
    ("Inverbrae", (4, 5), 0.22, "edinburgh", 0.3, "01479"),
    ("Ardmhor", (6,), 0.12, "glasgow", 0.15, "01397"),
    ("Glenrossie", (7,), 0.08, "glasgow", 0.0, "01540"),
    ("Balnacorrie", (8,), 0.04, "glasgow", 0.0, "01456"),
    ("Tullochbeg", (9,), 0.04, "glasgow", 0.0, "01807"),
    ("Achnafearn", (10,), 0.04, "glasgow", 0.0, "01520"),
    ("Portmhairi", (11,), 0.04, "glasgow", 0.0, "01599"),
)

EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")

# Keys near each other on a UK keyboard: the typos a clerk makes.
KEYBOARD_NEIGHBOURS = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij",
    "i": "uok", "o": "ipl", "p": "ol", "a": "qsz", "s": "adw", "d": "sfe", "f": "dgr",
    "g": "fht", "h": "gjy", "j": "hku", "k": "jli", "l": "ko", "z": "xa", "x": "zcs",
    "c": "xvd", "v": "cbf", "b": "vng", "n": "bmh", "m": "nj",
}  # fmt: skip
