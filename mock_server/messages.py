"""Localized `userMessage` texts (sent only with `X-egain-error-message: yes`).

Six locales are translated; a locale of the same language falls back to its sibling (fr-CA to
fr-FR, pt-PT to pt-BR) and every other documented locale falls back to en-US. `{0}` is the
attribute, parameter or id of the error.
"""

from __future__ import annotations

FALLBACK = "en-US"

_EN = {
    "400-101": "The request uses a parameter that is not supported: {0}.",
    "400-146": "Some required information is missing: {0}.",
    "400-147": "The request contains information that is not allowed here: {0}.",
    "400-152": "The value given for {0} is not valid.",
    "400-194": "We could not find the following: {0}.",
    "400-244": "The value given for {0} is not valid.",
    "400-264": "The request is empty. Please provide the email details.",
    "400-387": "Please fill in {0}.",
    "401-101": "Your session has expired. Please sign in again.",
    "403-178": "You do not have permission to do this.",
    "404-100": "The item you asked for does not exist.",
    "405-100": "This action is not supported.",
    "406-100": "The requested language is not supported.",
    "406-101": "The requested response format is not supported.",
    "500-100": "Something went wrong. Please contact your administrator.",
}
_ES = {
    "400-101": "La solicitud usa un parámetro no admitido: {0}.",
    "400-146": "Falta información obligatoria: {0}.",
    "400-147": "La solicitud contiene información no permitida aquí: {0}.",
    "400-152": "El valor indicado para {0} no es válido.",
    "400-194": "No se encontró lo siguiente: {0}.",
    "400-244": "El valor indicado para {0} no es válido.",
    "400-264": "La solicitud está vacía. Indique los datos del correo.",
    "400-387": "Rellene {0}.",
    "401-101": "Su sesión ha caducado. Inicie sesión de nuevo.",
    "403-178": "No tiene permiso para realizar esta acción.",
    "404-100": "El elemento solicitado no existe.",
    "405-100": "Esta acción no está admitida.",
    "406-100": "El idioma solicitado no está admitido.",
    "406-101": "El formato de respuesta solicitado no está admitido.",
    "500-100": "Se produjo un error. Póngase en contacto con su administrador.",
}
_FR = {
    "400-101": "La requête utilise un paramètre non pris en charge : {0}.",
    "400-146": "Une information obligatoire est manquante : {0}.",
    "400-147": "La requête contient une information non autorisée ici : {0}.",
    "400-152": "La valeur indiquée pour {0} n'est pas valide.",
    "400-194": "Élément introuvable : {0}.",
    "400-244": "La valeur indiquée pour {0} n'est pas valide.",
    "400-264": "La requête est vide. Veuillez fournir le contenu de l'e-mail.",
    "400-387": "Veuillez renseigner {0}.",
    "401-101": "Votre session a expiré. Veuillez vous reconnecter.",
    "403-178": "Vous n'avez pas l'autorisation d'effectuer cette action.",
    "404-100": "L'élément demandé n'existe pas.",
    "405-100": "Cette action n'est pas prise en charge.",
    "406-100": "La langue demandée n'est pas prise en charge.",
    "406-101": "Le format de réponse demandé n'est pas pris en charge.",
    "500-100": "Une erreur s'est produite. Contactez votre administrateur.",
}
_DE = {
    "400-101": "Die Anfrage verwendet einen nicht unterstützten Parameter: {0}.",
    "400-146": "Eine Pflichtangabe fehlt: {0}.",
    "400-147": "Die Anfrage enthält eine hier nicht erlaubte Angabe: {0}.",
    "400-152": "Der Wert für {0} ist ungültig.",
    "400-194": "Folgendes wurde nicht gefunden: {0}.",
    "400-244": "Der Wert für {0} ist ungültig.",
    "400-264": "Die Anfrage ist leer. Bitte geben Sie die E-Mail-Daten an.",
    "400-387": "Bitte füllen Sie {0} aus.",
    "401-101": "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.",
    "403-178": "Sie sind nicht berechtigt, diese Aktion auszuführen.",
    "404-100": "Das angeforderte Element existiert nicht.",
    "405-100": "Diese Aktion wird nicht unterstützt.",
    "406-100": "Die angeforderte Sprache wird nicht unterstützt.",
    "406-101": "Das angeforderte Antwortformat wird nicht unterstützt.",
    "500-100": "Ein Fehler ist aufgetreten. Wenden Sie sich an Ihren Administrator.",
}
_IT = {
    "400-101": "La richiesta usa un parametro non supportato: {0}.",
    "400-146": "Manca un'informazione obbligatoria: {0}.",
    "400-147": "La richiesta contiene un'informazione non consentita qui: {0}.",
    "400-152": "Il valore indicato per {0} non è valido.",
    "400-194": "Impossibile trovare: {0}.",
    "400-244": "Il valore indicato per {0} non è valido.",
    "400-264": "La richiesta è vuota. Fornire i dati dell'e-mail.",
    "400-387": "Compilare {0}.",
    "401-101": "La sessione è scaduta. Accedere di nuovo.",
    "403-178": "Non si dispone dell'autorizzazione per questa azione.",
    "404-100": "L'elemento richiesto non esiste.",
    "405-100": "Questa azione non è supportata.",
    "406-100": "La lingua richiesta non è supportata.",
    "406-101": "Il formato di risposta richiesto non è supportato.",
    "500-100": "Si è verificato un errore. Contattare l'amministratore.",
}
_PT = {
    "400-101": "A solicitação usa um parâmetro não suportado: {0}.",
    "400-146": "Falta uma informação obrigatória: {0}.",
    "400-147": "A solicitação contém uma informação não permitida aqui: {0}.",
    "400-152": "O valor informado para {0} não é válido.",
    "400-194": "Não foi possível encontrar: {0}.",
    "400-244": "O valor informado para {0} não é válido.",
    "400-264": "A solicitação está vazia. Informe os dados do e-mail.",
    "400-387": "Preencha {0}.",
    "401-101": "Sua sessão expirou. Entre novamente.",
    "403-178": "Você não tem permissão para realizar esta ação.",
    "404-100": "O item solicitado não existe.",
    "405-100": "Esta ação não é suportada.",
    "406-100": "O idioma solicitado não é suportado.",
    "406-101": "O formato de resposta solicitado não é suportado.",
    "500-100": "Ocorreu um erro. Entre em contato com o administrador.",
}

USER_MESSAGES: dict[str, dict[str, str]] = {
    "en-US": _EN,
    "es-ES": _ES,
    "fr-FR": _FR,
    "fr-CA": _FR,
    "de-DE": _DE,
    "it-IT": _IT,
    "pt-BR": _PT,
    "pt-PT": _PT,
}


def user_message(code: str, locale: str, args: tuple[str, ...]) -> str:
    """The localized text for `code`, falling back to en-US (locale or code unknown)."""
    table = USER_MESSAGES.get(locale, _EN)
    template = table.get(code) or _EN.get(code) or _EN["500-100"]
    return template.replace("{0}", args[0] if args else "")
