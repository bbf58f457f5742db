"""Word lists for the invented council: people's names by generation, places, streets, shops."""

import random
from bisect import bisect
from itertools import accumulate

from faker.providers.person.en_GB import Provider as BritishNames


def _listed(text: str) -> tuple[str, ...]:
    """A comma-separated list as a tuple: keeps long word lists compact and easy to edit."""
    return tuple(word.strip() for word in text.split(",") if word.strip())


# Given names popular in Scotland for people born in each period, by sex. Older lists lean on
# the names of their day so that a "Margaret" is more likely to be 80 than 8.
GIVEN_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "before-1955": {
        "F": _listed(
            "Margaret, Mary, Elizabeth, Agnes, Isobel, Jean, Janet, Catherine, Helen, Annie, "
            "Christina, Williamina, Jessie, Marion, Sheila, Moira, Elspeth, Euphemia, "
            "Georgina, Wilma, Betty, Irene, Nan, Ina"
        ),
        "M": _listed(
            "William, James, John, Robert, Alexander, George, Thomas, David, Andrew, Hugh, "
            "Archibald, Duncan, Donald, Angus, Hector, Walter, Alastair, Kenneth, Ian, Norman, "
            "Malcolm, Gordon, Douglas, Murdo"
        ),
    },
    "1955-1979": {
        "F": _listed(
            "Karen, Susan, Elaine, Linda, Fiona, Lorraine, Angela, Shona, Alison, Lesley, "
            "Morag, Carol, Gillian, Pauline, Catriona, Ann, Anne, Jacqueline, Julie, Tracy, "
            "Mhairi, Kirsty, Donna, Yvonne"
        ),
        "M": _listed(
            "John, David, James, Robert, Stephen, Scott, Graham, Alan, Gary, Colin, Brian, "
            "Stuart, Kenneth, Iain, Ian, Neil, Derek, Craig, Fraser, Gordon, Michael, Thomas, "
            "Paul, Euan"
        ),
    },
    "1980-1999": {
        "F": _listed(
            "Laura, Nicola, Claire, Gemma, Lisa, Emma, Amy, Sarah, Rebecca, Lauren, Jennifer, "
            "Stacey, Rachel, Kirsty, Eilidh, Ashley, Hannah, Louise, Catriona, Shannon, Jade, "
            "Rhona, Stephanie, Chloe"
        ),
        "M": _listed(
            "Ryan, Jamie, Scott, Craig, Andrew, Christopher, Michael, Ross, Kevin, Steven, "
            "Mark, Calum, Callum, Grant, Darren, Lewis, Sean, Connor, Martin, Gregor, Ewan, "
            "Kyle, Liam, Daniel"
        ),
    },
    "2000-on": {
        "F": _listed(
            "Olivia, Isla, Emily, Freya, Ava, Amelia, Sophie, Ella, Grace, Lily, Ellie, Evie, "
            "Millie, Aria, Orla, Eilidh, Skye, Rosie, Harper, Mia, Sophia, Isabella, Erin, "
            "Maisie"
        ),
        "M": _listed(
            "Jack, Noah, Harris, Leo, Rory, Oliver, Lewis, James, Alfie, Finlay, Archie, "
            "Jacob, Lucas, Max, Ruaridh, Callum, Fraser, Arran, Logan, Alexander, Thomas, "
            "Charlie, Cameron, Blair"
        ),
    },
}

# Pairs for twins that share an initial: the hard case for a person index that compares
# initials and dates of birth.
TWIN_NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "F": (("Ella", "Emma"), ("Lily", "Lucy"), ("Amy", "Anna"), ("Katie", "Kirsty")),
    "M": (("Jack", "Jamie"), ("Lewis", "Liam"), ("Ryan", "Ross"), ("Callum", "Connor")),
}

# Surnames common in Scotland, most frequent first; Mac and Mc forms of one name are both
# present, as they are on real registers.
SCOTTISH_SURNAMES: tuple[str, ...] = _listed(
    "Smith, Brown, Wilson, Campbell, Stewart, Thomson, Robertson, Anderson, MacDonald, "
    "Scott, Reid, Murray, Taylor, Clark, Ross, Watson, Morrison, Paterson, Young, "
    "Mitchell, Walker, Fraser, Miller, McDonald, Gray, Henderson, Hamilton, Johnston, "
    "Duncan, Graham, Ferguson, Kerr, Davidson, Bell, Cameron, Kelly, Martin, Hunter, "
    "Allan, Mackenzie, Grant, Simpson, MacKay, McKenzie, Mackay, McLean, MacLean, "
    "MacLeod, McLeod, Black, Russell, Marshall, Sutherland, Gibson, Kennedy, Wallace, "
    "Gordon, Burns, Wright, Docherty, McIntyre, MacGregor, McGregor, Milne, Munro, "
    "Sinclair, Rennie, Buchanan, Ritchie, Lindsay, Crawford, McMillan, MacMillan, "
    "Donaldson, McLaughlin, O'Neill, Boyle, Quinn, Dunn, Findlay, Forbes, Urquhart, "
    "Menzies, Dalziel, Lamont, Baird, Cochrane, Drummond, Gillespie, McPherson, "
    "Macpherson, MacInnes, McInnes, Matheson, Nicolson, Ogilvie, Shearer, Strachan, "
    "Wishart, Cruickshank, Lennox, Blackwood, Galbraith"
)

# Names of families whose roots are elsewhere, as on any Scottish register today.
OTHER_SURNAMES: tuple[str, ...] = _listed(
    "Khan, Ahmed, Ali, Hussain, Singh, Kaur, Patel, Nowak, Kowalski, Wiśniewski, "
    "Kowalczyk, Chen, Wong, Li, Okafor, Mensah, Rossi, Conti, Nguyen, Dos Santos"
)

OTHER_GIVEN_NAMES: dict[str, tuple[str, ...]] = {
    "F": ("Aisha", "Fatima", "Zainab", "Priya", "Harpreet", "Zofia", "Agnieszka", "Mei", "Ngozi"),
    "M": ("Mohammed", "Imran", "Bilal", "Arjun", "Gurpreet", "Piotr", "Tomasz", "Wei", "Kwame"),
}

STREET_STEMS: tuple[str, ...] = _listed(
    "Argyle, Bruce, Wallace, Rowan, Birch, Heather, Thistle, Castle, Kirk, Mill, Burn, "
    "Loch, Station, Victoria, Albert, Queen, King, Market, Bridge, Church, School, "
    "Hill, Park, Glebe, Manse, Craig, Ben Ledi, Ben Vrackie, Schiehallion, Tummel, "
    "Garry, Earn, Almond, Rannoch, Atholl, Lomond, Ochil, Sidlaw, Dunmore, Balmoral, "
    "Glamis, Menteith, Montrose, Douglas, Randolph, Stuart, Bannock, Forth, Tay, "
    "Clyde, Ness, Spey, Dee, Don, Esk, Teviot, Tweed, Lyon, Fyne, Etive, Ericht, "
    "Lochy, Morven, Beech, Oak, Ash, Hazel, Willow, Larch, Pine, Elm, Holly, Juniper, "
    "Broom, Gorse, Bracken, Myrtle, Laurel, Primrose, Bluebell, Harebell, Cairn, Muir, "
    "Moss, Mains, Home Farm, Smiddy, Tollgate, Ferry, Harbour, Quarry, Orchard, "
    "Wellside, Springfield, Newton, Milton, Kirkland, Muirhead, Balgownie, Dalmore, "
    "Drumbeg, Inchmurrin, Knockbain"
)

STREET_SUFFIXES: tuple[str, ...] = _listed(
    "Street, Road, Crescent, Avenue, Terrace, Gardens, Place, Drive, Court, Brae, "
    "Wynd, Lane, View, Grove, Park, Way, Loan, Row, Square, Close"
)

# Streets every Scottish town has once; the town centre's shops are on the first two.
MAIN_STREETS = ("High Street", "Main Street")

HOUSE_NAMES: tuple[str, ...] = _listed(
    "Rowan Cottage, Tigh na Mara, Tigh na Bruaich, The Old Manse, The Old Schoolhouse, "
    "Braeside, Burnside, Lochview, Hillcrest, Glenview, Ashgrove, Birchwood, "
    "Heatherbank, Craigard, Dunvegan, Fernlea, Hawthorn Cottage, Kirkbrae, Millhouse, "
    "Mossgiel, Seaforth, Strathview, The Steading, Woodlands, Lilybank, Bonnyrigg, "
    "Clachan, Taigh Beag, Achnacarry, Benview, Smiddy House, Keeper's Cottage, "
    "The Bothy, Old Post Office, Shepherd's Cottage, Dalriada"
)

BUSINESS_KINDS: tuple[str, ...] = _listed(
    "{town} Pharmacy, {stem} Bakery, The {stem} Bar, {stem} Hair Studio, "
    "{town} Post Office, {stem} Convenience Store, {family} & Sons Butchers, "
    "{family} Solicitors, {stem} Dental Practice, {town} Credit Union, {stem} Café, "
    "{family} Opticians, {stem} Fish Bar, {town} Hardware, {family} Estate Agents, "
    "{stem} Garage, {town} Library, {stem} Veterinary Surgery, {family} Florist, "
    "{stem} Community Hall"
)


class WeightedChoice:
    """Draw from a list where earlier entries are more likely (a Zipf-like tail)."""

    def __init__(self, items: tuple[str, ...], *, steepness: float = 0.9) -> None:
        self.items = items
        self.cumulative = list(
            accumulate(1.0 / (rank + 1) ** steepness for rank in range(len(items)))
        )

    def __call__(self, rng: random.Random) -> str:
        point = rng.random() * self.cumulative[-1]
        return self.items[min(bisect(self.cumulative, point), len(self.items) - 1)]


SCOTTISH_SURNAME = WeightedChoice(SCOTTISH_SURNAMES)
# Faker's British lists add English and Welsh names, as in any Scottish population.
BRITISH_SURNAMES: tuple[str, ...] = tuple(BritishNames.last_names)
BRITISH_GIVEN_NAMES: dict[str, tuple[str, ...]] = {
    "F": tuple(BritishNames.first_names_female),
    "M": tuple(BritishNames.first_names_male),
}


def generation(birth_year: int) -> str:
    if birth_year < 1955:
        return "before-1955"
    if birth_year < 1980:
        return "1955-1979"
    if birth_year < 2000:
        return "1980-1999"
    return "2000-on"


def surname(rng: random.Random) -> str:
    draw = rng.random()
    if draw < 0.72:
        return SCOTTISH_SURNAME(rng)
    if draw < 0.95:
        return rng.choice(BRITISH_SURNAMES)
    return rng.choice(OTHER_SURNAMES)


def given_name(rng: random.Random, sex: str, birth_year: int, *, family_name: str = "") -> str:
    if family_name in OTHER_SURNAMES and rng.random() < 0.7:
        return rng.choice(OTHER_GIVEN_NAMES[sex])
    if rng.random() < 0.8:
        return rng.choice(GIVEN_NAMES[generation(birth_year)][sex])
    return rng.choice(BRITISH_GIVEN_NAMES[sex])


def double_barrelled(rng: random.Random, first: str) -> str:
    second = SCOTTISH_SURNAME(rng)
    while second == first:
        second = SCOTTISH_SURNAME(rng)
    return f"{first}-{second}"
