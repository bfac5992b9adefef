"""The words of a question that are not concept names, sorted by what they tell.

:mod:`kg.ask` must tell a word that names something the graph lacks ("What is the
alignment *tax*?") from one that only frames the question ("what", "exactly", "in simple
terms", "arise"). These lists hold the framing words: function words, the words of each
intent, common verbs, and context words that do not change what is asked.

Examples
--------
>>> role("optimising"), role("Difference"), role("machine"), role("thermostat")
('verb', 'intent', 'context', None)
>>> focus_types("what causes distributional shift?")
['causes']
>>> correct_intent_word("diffrence")
'difference'
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from kg.ids import americanize

FUNCTION_WORDS = frozenset(
    """
a about above after again all also am an and any anything are aren't as at be because been
before being below both but by can can't could couldn't did didn't do does doesn't doing
don't down during each else ever every few for from further had hadn't has hasn't have
haven't having he her here hers herself him himself his how however i i'd i'm if in into is
isn't it it's its itself just let let's me more most much must my myself no nor not of off
on once one only or other others our ours ourselves out over own quite rather really same
she should shouldn't simply so some such than that that's the their theirs them themselves
then there there's these they this those through to too under until up us very was wasn't
we were weren't what what's whats when where which while who who's whom why will with
within without won't would wouldn't you you're your yours yourself yourselves
hello hi hey thanks thank please ok okay yes between among amongst against via per onto
upon toward towards across around beyond behind beside besides despite inside outside
throughout alone
versus whether though although unless since till like unlike instead either neither
whose whatever whichever whoever anybody everything nothing somebody everyone according
together enough sufficient insufficient instead anymore otherwise well
didnt doesnt dont isnt arent wasnt werent cant couldnt wouldnt wont shouldnt hasnt havent
""".split()
)

INTENT_WORDS = frozenset(
    """
answer ask concept concepts define defined definition describe described explain explained
explanation idea ideas mean meaning meant means name notion question term terms word words
difference differences different differ differs distinguish distinction diff compare
compared comparison contrast contrasted similar similarity similarities alike resemble
resembles resemblance unlike opposite
versus vs relate relates related relation relations relationship relationships connect
connected connection connections link linked links role example examples instance
instances illustrate illustrates illustration case cases analogy analogies eg kind kinds
type types sort sorts way ways failure failures outcome outcomes effect effects consequence
consequences reason reasons
""".split()
)
"""Words that express what is asked rather than what it is about."""

_VERB_STEMS = """
act address affect aim align apply arise ask avoid be become begin behave believe break
suppose
coin invent introduce propose publish write name label dub discover define
bring call care cause change choose claim come compare concern connect consider contain
count create deal deceive decide define depend deploy describe detect develop die differ
do emerge end ensure evolve exist expect explain fail feel find fit fix follow form
generalize generalise get give go grow guarantee handle happen have help hide hold imply
improve include increase influence involve keep know lead learn let like look lose make
matter mean measure minimize minimise mitigate modify move need notice occur optimize
optimise pass play point pose predict prefer prevent produce prove pursue put reach reduce
refer reflect relate remain represent require resist result run say search see seem select
show shut solve stand start stay stop succeed suggest take talk teach tell tend test think
train trust try turn understand update use want work worry
catch detect expose reveal rule fool pass beat outperform favor favour worsen defect pretend
face meet encounter deploy specify specifies
attack destroy launch fight build gather win lose kill cure heal hatch imprint
maximize maximise minimize minimise copy care solve remove
fake adopt internalize internalise imprint solve guarantee remove eliminate protect preserve
conflict clash disagree diverge agree coincide overlap compete
rely author
""".split()

CONTEXT_WORDS = frozenset(
    """
ai ais artificial intelligence machine learning ml deep dl field research literature area
context sense nutshell simple plain english layman laymans layperson eli5 five im
main key basic exact general actual core important fundamental primary precise technical
short brief briefly detail details detailed summary overview actually exactly basically
essentially really truly generally usually typically commonly often always sometimes
anyway also again please now today currently still even ever just probably possibly
lot lots bit little thing things stuff something someone anyone people person guy
deployment deployed training trained analogy picture story scenario
programmer programmers designer designers developer developers engineer engineers
researcher researchers user users human humans
lol lmao haha hmm um uh huh idk tbh imo btw pls plz thx confused confusing wondering
curious guys dude folks deal big huge later eventually someday soon sooner nowadays
capable powerful advanced smart smaller bigger larger real fiasco place first mid
rob robert miles
setup setups post posts article blog writeup style styled based
""".split()
)
"""Words that set the scene but do not change what the question is about (the casual
ones too: "is a plant a mesa optimiser?? confused", "... inner misaligned lol"; where a
thing was told, "in the strategy game *post*", "in the maze *setup*"; the second half of
"pointer-*style*", "pointer-*based*")."""

FIELD_WORDS = frozenset("ai ais artificial machine ml deep dl".split())
"""Context words that, before another word, make a name with it ("AI safety", "machine
ethics"), unlike the other context words ("a *short* time")."""

GENERIC_HEADS = frozenset(
    """
model models system systems agent agents policy policies problem problems phenomenon
process processes setting scenario scenarios algorithm algorithms method methods technique
techniques approach approaches bot bots robot robots behavior behaviors behaviour behaviours
""".split()
)
"""Nouns that may follow a term without changing what is asked ("deceptively aligned model")."""

# a verb or noun of the question -> the relation types an answer should lead with
_FOCUS = [
    (
        r"catch\w*|caught|detect\w*|expos\w*|reveal\w*|notic\w*|spot\w*|uncover\w*|"
        r"tell\s+(?:\S+\s+){0,6}apart|tell\s+the\s+difference|tell\s+(?:\S+\s+){1,6}from\b|"
        r"distinguish\w*|differentiat\w*",
        "reveals",
    ),
    (
        r"rule\s+out|rules\s+out|ruled\s+out|enough|sufficient|suffice\w*|guarantee\w*|"
        r"eliminat\w*|remov\w*",
        "insufficient_against",
    ),
    (r"wors\w*|exacerbat\w*|amplif\w*|aggravat\w*", "exacerbates"),
    (
        r"likel\w*|favou?r\w*|encourag\w*|incentiv\w*|push\w*|prefer\w*|efficien\w*|easier|cheaper",
        "makes_likely",
    ),
    (r"outperform\w*|better|beat\w*|advantage\w*", "outperforms"),
    (r"rel(?:y|ies|ied|ying)\s+on|work\w*\s+by|relies|implement\w*", "relies_on"),
    (r"caus\w*|lead|leads|led|result\w*|why|reasons?|trigger\w*", "causes"),
    (r"produc\w*|creat\w*|select\w*|mak\w+|gives? rise|arise\w*|emerg\w*", "produces"),
    (r"requir\w*|needs?|depend\w*|prerequisites?|conditions?|ha(?:ve|s)\s+to|must", "requires"),
    # "does something *have to* model its environment to count as an optimizer?": what it
    # cannot do without, which a "can rely on" link answers as not necessarily
    (r"ha(?:ve|s)\s+to|must", "relies_on"),
    (
        r"fix\w*|prevent\w*|mitigat\w*|help\w*|solv\w*|stop\w*|counter\w*|address\w*|cure\w*|"
        r"correct\w*|safe\s+from|protect\w*|guard\w*\s+against|immune",
        "mitigates",
    ),
    (r"pursu\w*|wants?|goals?|objectives?|aims?|trying|tries|values?|care\w*", "has_objective"),
    (r"optimi[sz]\w*|search\w*|adjust\w*|trains?|training", "optimizes"),
    (r"kinds?|types?|sorts?|forms?|categor\w*", "is_a"),
    (
        r"parts?|sub-?problems?|components?|broken\s+(?:(?:the|it|this|that|them)\s+)?down|"
        r"break\w*\s+(?:(?:the|it|this|that|them)\s+)?down|split\w*\s+(?:up|into)",
        "part_of",
    ),
    (
        r"fail\w*\s+together|together|at\s+once|both\s+at|co-?occur\w*|apart|dichotom\w*|"
        r"exclusive\w*|at\s+the\s+same\s+time|simultaneous\w*|concurrent\w*|"
        r"(?:never|not|be|have|has|had|show\w*|suffer\w*)\s+both",
        "fails_together",
    ),
    (r"failures?\s+of|fails?\b|failing", "failure_of"),
    (
        r"who|introduc\w*|coin\w*|origin\w*|paper|invent\w*|named|c[oa]me\s+up\s+with",
        "introduced_in",
    ),
    (r"analog\w*|similar\w*|alike|like|parallel\w*|resembl\w*", "analogous_to"),
    (r"opposite|contrast\w*|versus|vs|differ\w*|unlike", "contrasts_with"),
]

Role = Literal["function", "intent", "verb", "context", "generic"]

_ADJECTIVE = re.compile(
    r"^(?:\w+(?:ous|ful|ive|able|ible|less|ical|ic|ent|ant)|bad|good|hard|"
    r"easy|safe|unsafe|likely|unlikely|real|possible|common|rare|true|"
    r"false|wrong|right|new|old|big|serious|risky|scary|worse|worst|"
    r"better|best|inevitable|solvable|unsolved|open|difficult|tricky|tough|complicated|"
    r"subtle|unclear|crucial|critical|central|relevant|necessary|sufficient|enough|"
    # comparatives and superlatives ("is corrigible alignment *safer* than ...?")
    r"safer|safest|riskier|riskiest|scarier|scariest|harder|hardest|easier|easiest|"
    r"likelier|likeliest|trickier|worrying|concerning|worrisome)$"
)


ASPECT_VERBS = frozenset(
    "stop stops stopped keep keeps kept start starts started begin begins began quit quits "
    "continue continues continued finish finishes finished avoid avoids avoided resume "
    "cease ceases ceased".split()
)
"""Verbs that take a gerund ("*stop* attacking", "*keep* winning"): before one, such a
word is the verb of the question, not a name the graph knows it from ("stop" in
"stop us from turning it off")."""


COMMON_ZIPF = 3.5
"""Least Zipf frequency (wordfreq's scale: 3 is once per million words) of an everyday
English word."""


def is_common(word: str) -> bool:
    """Whether ``word`` is everyday English ("job", "close", "weakest"), not a term of
    art ("corrigibility", "wireheading", "RLHF").

    >>> is_common("job"), is_common("corrigibility")
    (True, False)
    """
    from wordfreq import zipf_frequency  # its word lists load on first use

    return zipf_frequency(word, "en") >= COMMON_ZIPF


def is_adjective(word: str) -> bool:
    """Whether ``word`` looks like an adjective ("dangerous", "likely"); a rough test.

    >>> is_adjective("dangerous"), is_adjective("likely"), is_adjective("tax")
    (True, True, False)
    """
    return bool(_ADJECTIVE.match(word.lower()))


@cache
def _verbs() -> frozenset[str]:
    """The verb stems with their -s, -ed and -ing forms, American and British."""
    forms: set[str] = set()
    for stem in _VERB_STEMS:
        base = stem[:-1] if stem.endswith("e") else stem
        forms |= {stem, stem + "s", stem + "es", base + "ed", base + "ing", stem + "d"}
        if stem.endswith("y") and stem[-2:-1] not in "aeiou":
            forms |= {stem[:-1] + "ies", stem[:-1] + "ied"}
        if len(stem) <= 4 and stem[-1] not in "aeiouywx" and stem[-2:-1] in "aeiou":
            forms |= {stem + stem[-1] + "ed", stem + stem[-1] + "ing"}  # stop -> stopped
    forms |= {
        # modal verbs: "how a mesa-objective *might* get formed" names nothing after it
        "might",
        "may",
        "shall",
        "ought",
        "gonna",
        "wanna",
        "gotta",
        "did",
        "done",
        "made",
        "went",
        "gone",
        "got",
        "gotten",
        "knew",
        "known",
        "thought",
        "led",
        "ran",
        "said",
        "saw",
        "seen",
        "took",
        "taken",
        "told",
        "became",
        "began",
        "begun",
        "brought",
        "chose",
        "chosen",
        "felt",
        "found",
        "gave",
        "given",
        "grew",
        "grown",
        "held",
        "hid",
        "hidden",
        "kept",
        "lost",
        "meant",
        "put",
        "shut",
        "stood",
        "taught",
        "understood",
        "arose",
        "arisen",
        "learnt",
        "are",
        "were",
        "been",
        "came",
        "wrote",
        "written",
        "drew",
        "drawn",
        "fell",
        "fallen",
        "broke",
        "broken",
        "spoke",
        "spoken",
        "caught",
        "beaten",
    }
    return frozenset(forms | {americanize(f) for f in forms})


def role(word: str) -> Role | None:
    """What a word does in a question, or ``None`` if it may name something."""
    w = word.lower().replace("\u2019", "'")
    if w in FUNCTION_WORDS:
        return "function"
    if w in INTENT_WORDS:
        return "intent"
    if w in _verbs() or americanize(w) in _verbs():
        return "verb"
    if w in CONTEXT_WORDS or w.isdigit():
        return "context"
    if w in GENERIC_HEADS:
        return "generic"
    return None


def letter_short(word: str) -> set[str]:
    """``word`` with one inner letter left out, in each place: "runing", "runnig" for
    "running" (the first and last letters are kept).

    >>> sorted(letter_short("happen"))
    ['hapen', 'happn', 'hppen']
    """
    return {word[:i] + word[i + 1 :] for i in range(1, len(word) - 1)}


@cache
def _verb_slips() -> dict[str, frozenset[str]]:
    near: dict[str, set[str]] = {}
    for verb in _verbs():
        if len(verb) >= 5:
            for typed in letter_short(verb):
                near.setdefault(typed, set()).add(verb)
    return {typed: frozenset(verbs) for typed, verbs in near.items()}


def slipped_verb(word: str) -> str | None:
    """The verb a typed ``word`` is one inner letter short of ("hapen" for "happen"), if
    exactly one and the word is nothing else.

    >>> slipped_verb("hapen"), slipped_verb("happen"), slipped_verb("outter")
    ('happen', None, None)
    """
    w = word.lower()
    if len(w) < 4 or role(w) is not None:
        return None
    verbs = _verb_slips().get(w, frozenset())
    return next(iter(verbs)) if len(verbs) == 1 else None


def correct_intent_word(word: str) -> str | None:
    """The intent word a misspelt ``word`` stands for ("diffrence"), if clearly one."""
    return _corrected(word, INTENT_WORDS)


_LONG_FUNCTION_WORDS = frozenset(w for w in FUNCTION_WORDS if len(w) >= 5)


_CHAT_SPELLINGS = {
    "wud": "would",
    "wuld": "would",
    "cud": "could",
    "shud": "should",
    "ur": "your",
    "r": "are",
    "u": "you",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "tho": "though",
    "abt": "about",
    "thru": "through",
}
"""Function words as chat spells them ("how *r* SGD and mesa-optimizers related?")."""


def correct_function_word(word: str) -> str | None:
    """The function word of five letters or more that a misspelt ``word`` stands for
    ("betwen", "becuase": one letter missing, extra, wrong or swapped), if clearly one;
    "pleasure" is no "please".

    >>> correct_function_word("betwen"), correct_function_word("becuase")
    ('between', 'because')
    >>> [correct_function_word(w) for w in ("thier", "fever", "three")]
    ['their', None, None]
    >>> [correct_function_word(w) for w in ("outer", "model", "whose", "pleasure")]
    [None, None, None, None]

    Chat spellings of short ones are read too: "wud", "cud", "shud", "ur".

    >>> [correct_function_word(w) for w in ("wud", "Shud", "ur")]
    ['would', 'should', 'your']
    """
    chat = _CHAT_SPELLINGS.get(word.lower())
    if chat is not None:
        return chat
    found = _corrected(word, _LONG_FUNCTION_WORDS)
    if found is not None and OSA.distance(word.lower(), found) <= 1:
        return found
    # two letters swapped ("thier"): too short a word for the ratio to see it; a word of
    # its own ("three") is not a misspelling
    w = word.lower()
    if len(w) < 5 or is_common(w):
        return None
    swapped = {w[:i] + w[i + 1] + w[i] + w[i + 2 :] for i in range(len(w) - 1)} - {w}
    matches = sorted(swapped & _LONG_FUNCTION_WORDS)
    return matches[0] if len(matches) == 1 else None


def _corrected(word: str, vocabulary: frozenset[str]) -> str | None:
    w = word.lower()
    if len(w) < 5 or w in vocabulary:
        return None
    best = process.extractOne(w, vocabulary, scorer=fuzz.ratio, score_cutoff=85)
    return str(best[0]) if best else None


def focus_types(text: str) -> list[str]:
    """Relation types that the wording of a question asks about, in order of mention."""
    found: list[tuple[int, str]] = []
    for pattern, rtype in _FOCUS:
        m = re.search(rf"\b(?:{pattern})\b", text.lower())
        if m:
            found.append((m.start(), rtype))
    return [t for _at, t in sorted(found)]


DENIAL_WORDS = r"\b(?:not|never|no|cannot)\b|n[\u2019']t\b"
"""The words by which a text denies something ("not", "never", "wouldn't"), as a
pattern: :mod:`kg.describe` tells opposites apart by what follows them, and
:mod:`kg.ask` reads a note's denied clause as not said."""
DENIAL = re.compile(DENIAL_WORDS, re.I)


CONTRASTED = re.compile(
    r"\b(?:as\s+opposed\s+to|rather\s+than|instead\s+of|unlike|(?:the\s+)?opposite\s+of"
    r"|not\s+(?:as|for|because|whether)|not\s+just|(?:as\s+)?distinct\s+from|in\s+contrast\s+(?:to|with)"
    r"|as\s+against)"
    r"\b(?:(?!\s-\s|\s+but\b)[^,.;:?!()\u2013\u2014])*",
    re.I,
)
"""What a description sets its subject against ("..., as opposed to the one it was
trained on", "the opposite of meta"), to the next punctuation: not part of what it means,
though its words may still match (a word the concept's text shares is no harm)."""

_ASKERS = (
    r"(?:student|teacher|professor|lecturer|tutor|journalist|reporter|writer|blogger|editor"
    r"|engineer|developer|programmer|researcher|scientist|philosopher|parent|newbie|beginner"
    r"|layman|layperson|outsider|novice|undergrad|grad)s?"
)
ASKER = re.compile(
    rf"^\s*(?:[^\W\d_]+\s+){{0,2}}?{_ASKERS}\s*(?:here\b)?\s*[:.,!\u2013\u2014-]+"
    rf"|^\s*(?:[^\W\d_]+\s+){{0,2}}?{_ASKERS}\s+here\b"
    rf"|\b(?:i'?m|i\s+am)\s+(?:an?\s+)?(?:[^\W\d_]+\s+){{0,2}}?{_ASKERS}\b[^,.;:?!]*[,.;:!]?"
    r"|^\s*for\s+(?:an?\s+|my\s+)?(?:article|essay|class|talk|lecture|post|piece|story|course)"
    r"\b[^,.;:?!]*[,.;:!]"
    r"|^\s*i\s+(?:teach|tutor|lecture|write|blog|run)\b[^.;:?!]*[.;:!]\s+(?=\S)",
    re.I,
)
"""Who asks, when a question says so ("Teacher here.", "Philosophy student:", "I'm a
journalist trying to get this right:", "For an article I'm writing:", "I teach an ethics
class."): not what it asks
about, and its words ("student", "teacher") may be what another question asks about ("a
small *student* model copies a *teacher* model")."""

CATEGORY_OF = re.compile(
    r"\b(?:which|what)\s+(?:(?:[^\W\d_]+\s+)?"
    r"(?:kinds?|types?|sorts?|categor(?:y|ies)|class(?:es)?|forms?)\s+of\s+(?:an?\s+|the\s+)?"
    r"|(?:one\s+)?of\s+the\s+(?:two|three|four|both)\s+)"
    r"([^\W\d_]+)(?:[ \t]+([^\W\d_]+))?",
    re.I,
)
"""A question asking which category a thing falls under: "*which kind of failure* does
the troop story illustrate?", "*what type of goal* is heading for the exit?"; the word
after "of" is the category, and so may be the next ("what kind of *training tasks*").
"Which of the two *optimizers* is evolution?" asks the same. "The two kinds of
misalignment" and "that kind of change" do not ask."""

AMONG = re.compile(r"\bof\s+the\s+(?:two|three|four|both)\s", re.I)
"""The form of a :data:`CATEGORY_OF` question that picks among a few named before ("which
*of the two* optimizers is evolution?"): it asks about a thing it names, as a role
question does; with none named, what it describes is no answer of the kind ("which of
the two objectives do the programmers write down?" is not asking what the words "write
down" fit best)."""

ROLE_OF = re.compile(
    r"\b(?:what|which)\s+(?:role|part|slot|place|position)\b|\bequivalent\b|\bcounterpart\b"
    r"|\bstands?\s+where\b|\bplays?\s+the\s+(?:part|role)\b"
    r"|\bsame\s+(?:slot|role|place|position)\b|\b(?:that|this)\s+(?:role|slot)\b",
    re.I,
)
"""A question asking for the role a thing plays in the sources' terms, as in an analogy:
"*what role* does evolution play?", "what would *the equivalent* be for an AI?", "the
system that *stands where* we humans stand"."""

PLAYS = re.compile(r"\s+(?:do|does|did|would|will|might)\s+(.{1,80}?)\s+play\b", re.I | re.S)
"""What a role question asks about when it asks "what role does *X* play", read from
the end of its :data:`ROLE_OF` words: the thing stands between them and "play"."""

LEAD = re.compile(
    r"^\s*(?:(?:so|and|but|please|ok|okay|then|hey|hi)[\s,]+"
    # a setting before the question proper: "in the strategy game example, why ..."
    r"|(?:in|for|about|regarding|with|from)\s[^,?]{1,80},\s*"
    # the same without its comma, once the concept that sets it is blanked ("in the maze
    # example why would ..." reads "in the          why would ...")
    r"|(?:in|for|about|regarding|with|from)\s+(?:(?:the|this|that|rob's)\s+)?"
    r"(?=(?:why|how|what\s+happens)\b))*",
    re.I,
)
"""What a question may begin with before the question proper: fillers ("so", "ok") and
a setting ("in the strategy game example, ..."); it always matches, perhaps nothing."""
