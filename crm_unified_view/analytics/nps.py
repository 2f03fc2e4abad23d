"""Net Promoter Score: the class of one 0-10 answer and the score of a group of answers."""

NPS_CLASSES = [("promoter", "Promoter"), ("passive", "Passive"), ("detractor", "Detractor")]
# The value of one answer in the average that gives a group's NPS (%promoters - %detractors).
NPS_VALUES = {"promoter": 100, "passive": 0, "detractor": -100}


def nps_class(score):
    """Promoter (9-10), passive (7-8) or detractor (0-6); None without a score."""
    if score is None:
        return None
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def nps(scores):
    """The NPS of a group of 0-10 answers, from -100 to 100 (None without answers)."""
    classes = [nps_class(score) for score in scores if score is not None]
    if not classes:
        return None
    return sum(NPS_VALUES[cls] for cls in classes) / len(classes)
