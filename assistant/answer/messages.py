"""Fixed phrases the assistant says, in the asker's language."""

from __future__ import annotations

REFUSAL = {
    "en": "The documents don't say: I found no passage that answers this question.",
    "es": "Los documentos no lo dicen: no encontré ningún pasaje que responda a esta pregunta.",
    "fr": "Les documents ne le disent pas : je n'ai trouvé aucun passage qui réponde à cette question.",
}
EMPTY_INDEX = {
    "en": "The index holds no documents yet: ingest some with `gfmd ingest PATH`.",
    "es": "El índice aún no contiene documentos: añádalos con `gfmd ingest RUTA`.",
    "fr": "L'index ne contient encore aucun document : ajoutez-en avec `gfmd ingest CHEMIN`.",
}
TOO_LONG = {
    "en": "The question is too long ({n} characters, at most {max}).",
    "es": "La pregunta es demasiado larga ({n} caracteres, como máximo {max}).",
    "fr": "La question est trop longue ({n} caractères, au maximum {max}).",
}
EMPTY_QUESTION = {
    "en": "Please ask a question.",
    "es": "Por favor, formule una pregunta.",
    "fr": "Veuillez poser une question.",
}
QUOTED_FROM = {
    "en": "Quoted verbatim from the source ({langs}).",
    "es": "Citado textualmente de la fuente ({langs}).",
    "fr": "Cité textuellement de la source ({langs}).",
}


def say(table: dict[str, str], lang: str, **values: object) -> str:
    return table.get(lang, table["en"]).format(**values)


FELL_BACK = {
    "en": "The generated answer could not be verified ({reason}); showing the quoted passages instead.",
    "es": "No se pudo verificar la respuesta generada ({reason}); se muestran los pasajes citados.",
    "fr": "La réponse générée n'a pas pu être vérifiée ({reason}) ; voici les passages cités.",
}
MODEL_UNAVAILABLE = {
    "en": "The generative model is unavailable ({reason}); showing the verified quotes instead.",
    "es": "El modelo generativo no está disponible ({reason}); se muestran las citas verificadas.",
    "fr": "Le modèle génératif n'est pas disponible ({reason}) ; voici les citations vérifiées.",
}

# The model said the passages do not answer, although the quoted sentences passed every extractive gate. The
# bundled 0.5B model says so for many questions its quotes do answer: its "no" is wrong more often than right, so
# the quotes are shown, with this warning.
MODEL_DOUBTS = {
    "en": "The model could not write an answer from these passages; here are the closest quotes. Check them.",
    "es": "El modelo no pudo redactar una respuesta con estos pasajes; estas son las citas más cercanas. Compruébelas.",
    "fr": "Le modèle n'a pas pu rédiger de réponse à partir de ces passages ; voici les citations les plus proches. "
    "Vérifiez-les.",
}

# Cross-lingual answers: a translated sentence that failed verification is replaced by the quote it translates.
KEPT_IN_SOURCE = {
    "en": "{n} sentence(s) are quoted in the source language: their translation could not be verified.",
    "es": "{n} frase(s) se citan en el idioma de la fuente: no se pudo verificar su traducción.",
    "fr": "{n} phrase(s) sont citées dans la langue de la source : leur traduction n'a pas pu être vérifiée.",
}
TRANSLATED = {
    "en": "Translated from the quoted sources by the local model and checked against them.",
    "es": "Traducido de las fuentes citadas por el modelo local y verificado con ellas.",
    "fr": "Traduit des sources citées par le modèle local et vérifié par rapport à elles.",
}
# Generative mode with the bundled model, evidence already in the asker's language: the verified quotes are shown.
QUOTES_IN_YOUR_LANGUAGE = {
    "en": "The sources already answer in your language: their verified sentences are quoted.",
    "es": "Las fuentes ya responden en su idioma: se citan sus frases verificadas.",
    "fr": "Les sources répondent déjà dans votre langue : leurs phrases vérifiées sont citées.",
}
