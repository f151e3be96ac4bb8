"""Static text of the web chat: CSS, the small scripts of the sources panel, the welcome screen."""

from __future__ import annotations

CSS = """
#gfmd-header h1 {margin-bottom: 0;}
#gfmd-header p {margin-top: 2px; color: var(--body-text-color-subdued);}
.gfmd-source {border-left: 3px solid #4a7; padding: 4px 10px; margin: 8px 0;}
.gfmd-source blockquote {margin: 6px 0; font-size: 0.92em;}
.gfmd-source mark, .gfmd-page-text mark {background: #fde68a; color: #111;}
.gfmd-open {font-size: 0.85em; padding: 2px 10px; border: 1px solid var(--border-color-primary);
            border-radius: 6px; background: var(--button-secondary-background-fill); cursor: pointer;}
.gfmd-open:hover {background: var(--button-secondary-background-fill-hover);}
.gfmd-asked {font-style: italic; color: var(--body-text-color-subdued); margin: 0;}
.gfmd-hint {color: var(--body-text-color-subdued);}
.gfmd-page-text {position: relative; white-space: pre-wrap; max-height: 420px; overflow-y: auto; font-size: 0.9em;
                 border: 1px solid var(--border-color-primary); border-radius: 6px; padding: 8px;}
.gfmd-page-head {margin: 8px 0 4px;}
.gfmd-ok {color: #15803d;}
.gfmd-error {color: #b91c1c;}
.gfmd-upload-report {margin: 4px 0; padding-left: 18px;}
.gfmd-brief-item h3 {margin-bottom: 2px;}
.gfmd-refs li {margin-bottom: 4px; font-size: 0.92em;}
#gfmd-chat sup a {text-decoration: none; font-weight: 600;}
#gfmd-chat a.gfmd-pin, #gfmd-chat a[href^="#gfmd-pin-"] {display: inline-block; font-size: 0.85em; padding: 1px 10px;
    border: 1px solid var(--border-color-primary); border-radius: 6px; text-decoration: none;
    background: var(--button-secondary-background-fill); color: var(--body-text-color);}
.gfmd-removed {font-size: 0.85em; font-style: italic; color: #b91c1c; margin: 0;}
#gfmd-chat a.gfmd-pin-off {opacity: 0.5;}
#gfmd-chat .gfmd-gloss {display: inline-block; margin-top: 2px; font-size: 0.9em; font-style: italic; opacity: 0.85;}
#gfmd-pin-hook {display: none;}
/* The sources panel scrolls on its own, so an opened page shows within the first screen. */
#gfmd-sources .gfmd-sources-panel {max-height: 260px; overflow-y: auto;}
#gfmd-viewer .gfmd-page-text {max-height: 300px;}
/* A phone: the chat, then the selected answer's sources and page, then the actions and the filters. The rows
   and columns in between stand aside (display: contents), so their children are ordered in the tab's column. */
@media (max-width: 640px) {
  #gfmd-main, #gfmd-chat-column, #gfmd-side {display: contents;}
  #gfmd-model-status {order: 0;}
  #gfmd-chat {order: 1; height: 60vh !important;}
  #gfmd-ask-row {order: 2;}
  #gfmd-ask-row > * {flex: 1 1 100% !important;}  /* the box on a line of its own: its placeholder fits */
  #gfmd-sources {order: 3;}
  #gfmd-page-image {order: 4;}
  #gfmd-viewer {order: 5;}
  #gfmd-document {order: 6;}
  #gfmd-actions {order: 7;}
  #gfmd-filters {order: 8;}
  #gfmd-brief {max-height: 45vh; overflow-y: auto;}
}
.gfmd-model-status {border-left: 4px solid #d97706; background: #fffbeb; color: #78350f; padding: 6px 12px;
                    border-radius: 4px;}
"""

# The sources panel sends "open citation n" to the server (`trigger`), from its own buttons and from the
# [n] links in the chat (whose href names the answer's turn). Nothing here reads or sends a file path.
SOURCES_JS = """
const open = (data) => trigger('click', data);
window.__gfmdOpenCitation = open;
element.addEventListener('click', (event) => {
  const button = event.target.closest('button.gfmd-open');
  if (button) open({n: Number(button.dataset.cite)});
});
if (!window.__gfmdCiteHook) {
  window.__gfmdCiteHook = true;
  document.addEventListener('click', (event) => {
    const link = event.target.closest ? event.target.closest('a[href^="#gfmd-source-"]') : null;
    if (!link || !link.closest('#gfmd-chat')) return;
    event.preventDefault();
    event.stopPropagation();
    const match = link.getAttribute('href').match(/^#gfmd-source-(?:(\\d+)-)?(\\d+)$/);
    if (match) window.__gfmdOpenCitation({turn: match[1] === undefined ? null : Number(match[1]),
                                          n: Number(match[2])});
  }, true);
}
"""

# An answer's "add to brief" button sends its turn to the server (the hidden #gfmd-pin-hook's click event).
PIN_JS = """
window.__gfmdPin = (data) => trigger('click', data);
if (!window.__gfmdPinHook) {
  window.__gfmdPinHook = true;
  document.addEventListener('click', (event) => {
    const link = event.target.closest ? event.target.closest('a[href^="#gfmd-pin-"]') : null;
    if (!link || !link.closest('#gfmd-chat')) return;
    event.preventDefault();
    event.stopPropagation();
    const match = link.getAttribute('href').match(/^#gfmd-pin-(\\d+)$/);
    if (match) window.__gfmdPin({turn: Number(match[1])});
  }, true);
}
"""

# Bring an opened page into view, scrolled to its highlighted quote.
VIEWER_JS = """
watch('value', () => {
  const box = element.querySelector('.gfmd-page-text'), mark = box && box.querySelector('mark');
  if (mark) box.scrollTop = Math.max(0, mark.offsetTop - 60);
  if (props.value) element.scrollIntoView({block: 'nearest', behavior: 'smooth'});
});
"""

WELCOME = """
### Welcome · Bienvenido · Bienvenue

Ask about the documents in the library, in **English**, **Spanish** or **French**. Every answer quotes its
sources: click a **[n]** marker to open the page it comes from.

Pregunte en inglés, español o francés · Posez vos questions en anglais, espagnol ou français.
"""

EXAMPLES = [
    "How many international migrants were there in 2019?",
    "What role can diasporas play in migration partnerships?",
    "¿Qué propone el documento para financiar las alianzas en materia de migración?",
    "¿Qué papel tienen las autoridades locales en las alianzas?",
    "Combien le Fonds fiduciaire de KNOMAD a-t-il recueilli ?",
    "Quel est le rôle des diasporas dans les partenariats ?",
]
