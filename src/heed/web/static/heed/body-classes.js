// Run at the top of <body>, before anything is drawn: GOV.UK Frontend styles its components for script only
// when these classes are there. A file rather than an inline script: the Content-Security-Policy allows no
// inline script.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
