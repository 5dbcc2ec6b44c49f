"""The small grammar that wrote fables.txt: animal fables of eight plots, drawn with a fixed seed.

``python examples/data/fables.py`` writes the file again, byte for byte.
"""

from __future__ import annotations

import random
from pathlib import Path

ANIMALS = ("fox", "crow", "lion", "mouse", "hare", "tortoise", "wolf", "lamb", "ant", "grasshopper",
           "dog", "cat", "goat", "owl", "frog", "bear", "deer", "heron", "crab", "bee", "donkey",
           "rooster")  # fmt: skip
TRAITS = ("clever", "hungry", "proud", "little", "old", "lazy", "busy", "greedy", "kind", "foolish", "brave",
          "timid", "wise", "vain", "patient", "quick", "idle", "gentle", "eager", "sly")  # fmt: skip
PLACES = ("by the river", "in the wood", "on the hill", "near the farm", "under an oak tree",
          "at the edge of the field", "beside the old well", "in the meadow",
          "on the road to town")  # fmt: skip
TIMES = ("One summer morning", "Late one evening", "On a cold winter day", "Early in the spring",
         "One hot afternoon", "Long ago", "One autumn day", "At the end of the harvest")  # fmt: skip
THINGS = (("a piece of cheese", "cheese"), ("a bunch of grapes", "grapes"), ("a loaf of bread", "bread"),
          ("a fat bone", "bone"), ("a jar of honey", "honey"), ("a basket of apples", "apples"),
          ("a sack of corn", "corn"), ("a shiny stone", "stone"))  # fmt: skip

# Each plot: its sentences (each a choice of wordings) and its morals. {a} and {b} are the two animals,
# {ta} and {tb} their traits, {thing} what they want (the short name in {it}), {place}, {time}.
PLOTS: tuple[tuple[tuple[tuple[str, ...], ...], tuple[str, ...]], ...] = (
    (  # flattery
        (
            ("{time}, {an_ta} {a} sat {place} with {thing}.", "{time}, {an_ta} {a} found {thing} {place}."),
            ("{an_tb} {b} saw the {it} and wanted it.", "{an_tb} {b} came by and smelled the {it}."),
            (
                '"Good day, dear {a}," said the {b}. "How fine you look! Surely your voice is finer still."',
                '"Dear {a}," said the {b}, "they say no one sings as sweetly as you. Will you sing for me?"',
            ),
            (
                "The {a} was pleased and began to sing, and the {it} fell to the ground.",
                "The {a} opened its mouth to sing, and down fell the {it}.",
            ),
            ("The {b} took the {it} and ran off, laughing.", "The {b} snapped up the {it} and went away."),
        ),
        (
            "Do not trust those who flatter you.",
            "Sweet words can cost you dear.",
            "A flatterer lives at the expense of the one who listens.",
        ),
    ),
    (  # the race
        (
            (
                "{time}, {an_ta} {a} laughed at {an_tb} {b} for being slow.",
                "{time}, {an_ta} {a} boasted to {an_tb} {b} that no one could run faster.",
            ),
            (
                '"Let us race {place}," said the {b}, "and we shall see."',
                '"Then race me {place}," said the {b} quietly.',
            ),
            (
                "The {a} ran far ahead, then lay down to sleep.",
                "The {a} ran ahead and stopped to eat and rest.",
            ),
            (
                "The {b} kept walking, step by step, and never stopped.",
                "The {b} went on slowly and did not stop once.",
            ),
            (
                "When the {a} woke up, the {b} had already won the race.",
                "When the {a} came to the end, the {b} was waiting there.",
            ),
        ),
        (
            "Slow and steady wins the race.",
            "Do not boast of what you have not done.",
            "Pride goes before a fall.",
        ),
    ),
    (  # work and play
        (
            (
                "{time}, {an_ta} {a} worked all day, carrying {thing} home.",
                "{time}, {an_ta} {a} was busy storing {thing} for the winter.",
            ),
            ("{an_tb} {b} sat {place} and sang and played.", "{an_tb} {b} lay {place} in the sun."),
            (
                '"Why work so hard?" asked the {b}. "Come and play with me."',
                '"There is plenty of food now," said the {b}. "Why do you work?"',
            ),
            (
                '"I am getting ready for the cold," said the {a}. "You should do the same."',
                '"Winter is coming," answered the {a}, and went on working.',
            ),
            (
                "When the snow came, the {b} had nothing to eat, and the {a} had the {it}.",
                "In the winter the {b} was hungry, but the {a} ate the {it} in its warm home.",
            ),
        ),
        (
            "Work today, and you will eat tomorrow.",
            "It is wise to prepare for the days of need.",
            "Play comes after work.",
        ),
    ),
    (  # the small helper
        (
            (
                "{time}, {an_ta} {a} caught {an_tb} {b} {place}.",
                "{time}, {an_ta} {a} trapped {an_tb} {b} {place}.",
            ),
            (
                '"Please let me go," said the {b}. "One day I may help you."',
                '"Spare me," cried the {b}, "and I will repay you one day."',
            ),
            (
                "The {a} laughed, but it let the {b} go.",
                "The {a} thought this was funny, and set the {b} free.",
            ),
            (
                "Some days later the {a} was caught in a hunter's net.",
                "Not long after, the {a} fell into a trap and could not get out.",
            ),
            (
                "The {b} heard its cries, came running, and set the {a} free.",
                "The {b} came and worked until the {a} was free again.",
            ),
        ),
        (
            "No act of kindness is ever wasted.",
            "Little friends may prove great friends.",
            "Even the weak can help the strong.",
        ),
    ),
    (  # greed and the reflection
        (
            (
                "{time}, {an_ta} {a} was crossing a bridge {place} with {thing}.",
                "{time}, {an_ta} {a} walked along the water {place}, carrying {thing}.",
            ),
            (
                "It looked down and saw another {a} in the water with a bigger {it}.",
                "In the water below it saw a {a} holding an even larger {it}.",
            ),
            (
                "The {a} wanted that {it} too, and it opened its mouth to snatch it.",
                "Greedy for more, the {a} snapped at the other {it}.",
            ),
            ("Its own {it} fell into the water and was gone.", "Splash! Its own {it} sank out of sight."),
            (
                "{an_tb} {b} watched from the bank and shook its head.",
                "{an_tb} {b} saw it all and said nothing.",
            ),
        ),
        (
            "Greed can make you lose what you have.",
            "Be happy with what you have.",
            "Grasp at the shadow and you will lose the thing.",
        ),
    ),
    (  # the fair share
        (
            (
                "{time}, {an_ta} {a} and {an_tb} {b} found {thing} {place}.",
                "{time}, {an_ta} {a} and {an_tb} {b} came upon {thing} {place}.",
            ),
            ('"It is mine, for I saw it first," said the {a}.', '"The {it} is mine," said the {a}.'),
            (
                '"No, it is mine," said the {b}, "for I picked it up."',
                '"You are wrong," said the {b}. "I found it before you."',
            ),
            (
                "While they argued, a third animal came and carried the {it} away.",
                "As they quarrelled, someone else took the {it} and left them with nothing.",
            ),
            (
                '"We should have shared it," said the {a} to the {b}.',
                "The {a} and the {b} looked at each other.",
            ),
        ),
        (
            "When two quarrel, a third one wins.",
            "It is better to share than to lose all.",
            "Quarrels leave both sides poorer.",
        ),
    ),
    (  # the trick
        (
            (
                "{time}, {an_ta} {a} fell into the old well {place}.",
                "{time}, {an_ta} {a} was stuck at the bottom of a deep well.",
            ),
            (
                '{an_tb} {b} came by and asked, "Is the water good?"',
                "{an_tb} {b} looked down and asked what it was doing there.",
            ),
            (
                '"The best water in the land," said the {a}. "Come down and drink."',
                '"The water is sweet and cool," said the {a}. "Jump in!"',
            ),
            (
                "The {b} jumped in, and the {a} climbed on its back and out of the well.",
                "The {b} leapt down, and the {a} used its back to climb out.",
            ),
            (
                "The {b} was left in the well, and the {a} went on its way.",
                '"Next time, look before you leap," called the {a}, and left the {b} there.',
            ),
        ),
        ("Look before you leap.", "Never trust the advice of one in trouble.", "Think before you act."),
    ),
    (  # the boast
        (
            (
                "{time}, {an_ta} {a} said {place} that it was the strongest of all.",
                "{time}, {an_ta} {a} told everyone {place} how strong it was.",
            ),
            (
                '"If you are so strong," said the {b}, "carry {thing} up the hill."',
                '"Show us," said {an_tb} {b}. "Lift {thing} onto your back."',
            ),
            (
                "The {a} tried and tried, but the {it} would not move.",
                "The {a} pushed and pulled, but could not lift the {it}.",
            ),
            (
                "Then the {b} carried the {it} up the hill without a word.",
                "The {b}, small as it was, took the {it} up the hill little by little.",
            ),
            ("The {a} had nothing more to say.", "After that day the {a} did not boast again."),
        ),
        (
            "Deeds speak louder than words.",
            "Those who boast the most often do the least.",
            "Do not judge by size.",
        ),
    ),
)


def article(word: str) -> str:
    """``word`` with "a" or "an" before it."""
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def fable(rng: random.Random) -> str:
    """One fable: its title, five sentences of one plot with animals and things drawn, and its moral."""
    sentences, morals = rng.choice(PLOTS)
    a, b = rng.sample(ANIMALS, 2)
    ta, tb = rng.sample(TRAITS, 2)
    thing, it = rng.choice(THINGS)
    slots = {"a": a, "b": b, "an_ta": article(ta), "an_tb": article(tb), "thing": thing, "it": it}
    slots |= {"place": rng.choice(PLACES), "time": rng.choice(TIMES)}
    chosen = [rng.choice(wordings).format(**slots) for wordings in sentences]
    text = " ".join(sentence[0].upper() + sentence[1:] for sentence in chosen)
    return f"The {a.title()} and the {b.title()}\n\n{text}\nMoral: {rng.choice(morals)}\n"


def fables(count: int = 280, seed: int = 0) -> str:
    """``count`` fables, a blank line between them."""
    rng = random.Random(seed)
    return "\n".join(fable(rng) for _ in range(count))


if __name__ == "__main__":
    (Path(__file__).resolve().parent / "fables.txt").write_text(fables())
