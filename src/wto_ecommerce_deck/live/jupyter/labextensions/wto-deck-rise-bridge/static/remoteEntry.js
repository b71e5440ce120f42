/*
 * wto-deck-rise-bridge: a JupyterLab federated extension written by hand, with no build.
 *
 * Written against jupyterlab-rise 0.43.1 and jupyterlab_widgets 3.0.17
 * (@jupyter-widgets/jupyterlab-manager 5.0.16) on JupyterLab 4.6.6; see README.md beside
 * package.json for why it exists and when to remove it.
 *
 * JupyterLab (and the /rise/ page of jupyterlab-rise, a separate app built the same way) loads
 * each federated extension's `static/remoteEntry.js` as a script, then calls
 * `window._JUPYTERLAB[name].init(shareScope)` and `.get('./extension')`: this file implements
 * that container interface by hand. The share scope is webpack 5's format, which JupyterLab and
 * the extensions built by its builder (webpack or rspack) use:
 * `shareScope[package][version] = {get, from, eager, loaded}`, `get()` giving a module factory
 * (or a promise of one).
 *
 * It does five things, all only in the RISE app; in JupyterLab's own page it changes nothing.
 *
 * 1. `init`: if no one shares `@jupyterlab/console` (the RISE app does not: jupyterlab-contrib/
 *    rise#119, #126), share a stand-in that exports only the `IConsoleTracker` token. The ipywidgets
 *    8 widget manager consumes `@jupyterlab/console` as a singleton with no fallback, for that
 *    token alone, as an optional dependency; without it the RISE app drops the whole widget
 *    extension and every widget shows its text fallback. In JupyterLab the real module is shared
 *    by the app before any extension's `init` runs, so the stand-in is never registered there.
 *
 * 2. `./extension`: a plugin that, in the RISE app only (`app.name === 'Rise'`), keeps the
 *    notebook's model clean until the slides exist. jupyterlab-rise checks `model.dirty` exactly
 *    once, when the notebook is loaded, and builds the slideshow only if it is clean; the kernel
 *    session rewriting `kernelspec`/`language_info` and jupyterlab-plotly writing a PNG snapshot
 *    into each plotly output it draws can dirty the model before that check, and the page then
 *    stays a plain notebook. Once `body.rise-enabled` is set (RISE's `Revealer`), it lets go.
 *
 * 3. The same plugin makes RISE's speaker notes view (T) show the notes. reveal.js's notes plugin
 *    opens a speaker window whose two slide previews are iframes of the page itself; the window
 *    completes its handshake with the deck (and only then receives the notes) when the preview
 *    posts reveal's `ready` event. A /rise/ page in an iframe never becomes a slideshow, so the
 *    window stays empty (RISE's own source: "TODO this is broken"). When the speaker window opens,
 *    the plugin empties the two previews (each would load a whole second RISE app against the same
 *    kernel, for nothing) and posts that `ready` itself: notes, timer and clock then work; the
 *    window opens in reveal's « Notes only » layout unless the trainer chose another one.
 *
 * 4. A second plugin draws each saved plot when its slide first shows it, instead of while the page
 *    loads, before the first slide (see `drawWhenShown` below).
 *
 * 5. Each cell carries its notebook tags as classes (`celltag_<tag>`, as in the export), so that the
 *    theme's rules for tagged cells (a discussion slide's « À débattre » label) apply here too.
 */
var _JUPYTERLAB;
(function () {
  'use strict';

  var NAME = 'wto-deck-rise-bridge';
  var CONSOLE = '@jupyterlab/console';
  var RISE_APP = 'Rise'; // jupyterlab-rise: `readonly name = 'Rise'` (packages/application/src/app)
  var SLIDES_CLASS = 'rise-enabled'; // set on <body> when RISE turns the notebook into slides
  var NOTES_WINDOW = 'reveal.js - Notes'; // the name reveal's notes plugin gives its window.open
  var NOTES_LAYOUT_KEY = 'reveal-speaker-layout'; // the speaker view's saved layout (localStorage)
  // The notes are the notes cells' HTML copied into a window without JupyterLab's styles: without
  // this, a markdown cell's hidden editor (its source) shows above the rendered text.
  var NOTES_CSS =
    '.jp-InputArea-editor, .jp-InputPrompt, .jp-OutputPrompt, .jp-Collapser, .jp-cell-toolbar,' +
    ' .jp-InternalAnchorLink { display: none !important; }';

  var scope = null; // the share scope given to init()
  var loading = {};

  function parts(version) {
    return String(version)
      .split(/[.+-]/)
      .slice(0, 3)
      .map(function (n) {
        return parseInt(n, 10) || 0;
      });
  }

  function older(a, b) {
    var x = parts(a);
    var y = parts(b);
    for (var i = 0; i < 3; i++) {
      if (x[i] !== y[i]) {
        return x[i] < y[i];
      }
    }
    return false;
  }

  /* The version a singleton consumer gets: the one already loaded, else the newest (webpack's rule). */
  function singletonVersion(versions) {
    return Object.keys(versions).reduce(function (best, key) {
      if (best === null) {
        return key;
      }
      return !versions[best].loaded && older(best, key) ? key : best;
    }, null);
  }

  /* A module of the share scope, loaded the way webpack's consumers load a singleton. */
  function shared(name) {
    if (!loading[name]) {
      loading[name] = Promise.resolve().then(function () {
        var versions = scope && scope[name];
        var key = versions ? singletonVersion(versions) : null;
        if (key === null) {
          throw new Error(NAME + ': ' + name + ' is not in the share scope');
        }
        var entry = versions[key];
        entry.loaded = 1;
        return Promise.resolve(entry.get()).then(function (factory) {
          return factory();
        });
      });
    }
    return loading[name];
  }

  /* The stand-in `@jupyterlab/console`: the IConsoleTracker token, nothing else. */
  var consoleModule = null;
  function consoleFactory() {
    if (!consoleModule) {
      consoleModule = shared('@lumino/coreutils').then(function (lumino) {
        var token = new lumino.Token(
          '@jupyterlab/console:IConsoleTracker',
          'A widget tracker for code consoles (stand-in shared by ' + NAME + ': this page has no console).'
        );
        return { __esModule: true, IConsoleTracker: token };
      });
    }
    return consoleModule.then(function (module) {
      return function () {
        return module;
      };
    });
  }

  function provideConsole(shareScope) {
    var versions = shareScope[CONSOLE];
    if (versions && Object.keys(versions).length) {
      return false; // JupyterLab's own page: the real module is there
    }
    // Declared at the version of the app's own @jupyterlab packages, so the consumer's check
    // reads like any other core package of that app.
    var core = shareScope['@jupyterlab/notebook'] || shareScope['@jupyterlab/application'] || {};
    var version = Object.keys(core).reduce(function (best, key) {
      return best === null || older(best, key) ? key : best;
    }, null);
    shareScope[CONSOLE] = {};
    shareScope[CONSOLE][version || '4.0.0'] = { get: consoleFactory, from: NAME, eager: false };
    return true;
  }

  function slidesShown() {
    return document.body.classList.contains(SLIDES_CLASS);
  }

  /* Keep the notebook's model clean until RISE has built the slides. */
  function holdClean(panel) {
    var model = panel.context && panel.context.model;
    if (!model || slidesShown()) {
      return;
    }
    var held = 0;
    var onState = function (_sender, change) {
      if (change.name !== 'dirty' || !change.newValue) {
        return;
      }
      if (slidesShown()) {
        release();
        return;
      }
      held++;
      model.dirty = false;
    };
    var observer = new MutationObserver(function () {
      if (slidesShown()) {
        release();
      }
    });
    var release = function () {
      observer.disconnect();
      model.stateChanged.disconnect(onState);
      console.info(NAME + ': slideshow built; the notebook was kept clean ' + held + ' time(s) while it loaded');
    };
    model.stateChanged.connect(onState);
    observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    if (model.dirty) {
      held++;
      model.dirty = false;
    }
  }

  /*
   * The export marks a cell's rendered markdown with its notebook tags (`celltag_<tag>`, nbconvert's
   * classes), and the theme styles some of them (omc.css: `discussion`, « À débattre »;
   * `added-context`). JupyterLab does not put tags in the page: in the RISE app, each cell and its
   * rendered markdown get the same classes, so that the same rules apply to the live deck.
   */
  var TAG_CLASS = 'celltag_';

  function tagCells(panel) {
    var mark = function (cell) {
      var tags = (cell.model && cell.model.getMetadata && cell.model.getMetadata('tags')) || [];
      if (!Array.isArray(tags) || !tags.length) {
        return;
      }
      var nodes = [cell.node].concat(Array.prototype.slice.call(cell.node.querySelectorAll('.jp-RenderedHTMLCommon')));
      tags.forEach(function (tag) {
        nodes.forEach(function (node) {
          node.classList.add(TAG_CLASS + String(tag).replace(/[^A-Za-z0-9_-]/g, '-'));
        });
      });
    };
    var markAll = function () {
      panel.content.widgets.forEach(mark);
    };
    // Once every cell has rendered (what RISE waits for too), and again when reveal.js is ready:
    // a markdown cell's rendered node may come after its `ready`.
    panel.context.ready
      .then(function () {
        return Promise.all(panel.content.widgets.map(function (cell) {
          return cell.ready;
        }));
      })
      .then(function () {
        markAll();
        whenRevealReady(markAll);
      });
  }

  /* RISE's speaker notes window: connect it to the deck without its (broken) slide previews. */
  function fixNotesWindow() {
    var open = window.open;
    window.open = function (url, name) {
      if (name !== NOTES_WINDOW) {
        return open.apply(window, arguments);
      }
      try {
        if (!window.localStorage.getItem(NOTES_LAYOUT_KEY)) {
          window.localStorage.setItem(NOTES_LAYOUT_KEY, 'notes-only');
        }
      } catch (error) {
        // no storage: reveal's default layout, empty previews
      }
      var notes = open.apply(window, arguments);
      if (!notes) {
        return notes;
      }
      var connected = false;
      var onMessage = function (event) {
        if (event.source !== notes) {
          return;
        }
        try {
          var data = JSON.parse(event.data);
          connected = connected || (data.namespace === 'reveal-notes' && data.type === 'connected');
        } catch (error) {
          // not one of reveal's messages
        }
      };
      window.addEventListener('message', onMessage);
      var tries = 0;
      var timer = setInterval(function () {
        if (connected || notes.closed || ++tries > 120) {
          clearInterval(timer);
          window.removeEventListener('message', onMessage);
          return;
        }
        var previews;
        try {
          previews = notes.document.querySelectorAll('iframe');
        } catch (error) {
          return;
        }
        if (!previews.length) {
          return; // the window has not had the deck's first `connect` yet
        }
        if (!notes.document.getElementById(NAME + '-notes-css')) {
          var style = notes.document.createElement('style');
          style.id = NAME + '-notes-css';
          style.textContent = NOTES_CSS;
          notes.document.head.appendChild(style);
        }
        Array.prototype.forEach.call(previews, function (frame) {
          if (frame.getAttribute('src') !== 'about:blank') {
            frame.setAttribute('src', 'about:blank');
          }
        });
        notes.postMessage(JSON.stringify({ namespace: 'reveal', eventName: 'ready' }), window.location.origin);
      }, 250);
      return notes;
    };
  }

  /*
   * A saved plot is drawn when its slide first shows it, not while the page loads. jupyterlab-rise
   * builds the slideshow once every cell has rendered, and jupyterlab-plotly's renderer draws each
   * figure as it renders (and loads plotly.js, 4.8 MB, for the first): the deck's plots cost the
   * first slide about 4 s here. In the RISE app only, the plotly renderer's first `renderModel`
   * returns at once and draws once reveal.js is ready and its node has a size: reveal shows a
   * slide (and the ones next to it) with `display: block`, which a ResizeObserver sees. A cell run
   * again from its slide is drawn at once (its node is shown already).
   */
  var PLOTLY = 'application/vnd.plotly.v1+json';
  var waitingPlots = [];
  var plotObserver = null;

  function revealReady() {
    return document.querySelector('.reveal.ready') !== null; // reveal.js has laid the slides out
  }

  function shown(node) {
    return revealReady() && node.isConnected && node.offsetWidth > 0 && node.getClientRects().length > 0;
  }

  /* `callback` once reveal.js is ready (at once if it is). */
  function whenRevealReady(callback) {
    if (revealReady()) {
      callback();
      return;
    }
    var observer = new MutationObserver(function () {
      if (revealReady()) {
        observer.disconnect();
        callback();
      }
    });
    observer.observe(document.body, { subtree: true, attributes: true, attributeFilter: ['class'] });
  }

  function drawShownPlots() {
    waitingPlots = waitingPlots.filter(function (plot) {
      if (!shown(plot.renderer.node)) {
        return !plot.renderer.isDisposed;
      }
      plotObserver.unobserve(plot.renderer.node);
      plot.draw();
      return false;
    });
  }

  function drawWhenShown(renderer) {
    var render = renderer.renderModel;
    var plot = null;
    renderer.renderModel = function (model) {
      if (plot === null && shown(renderer.node)) {
        plot = false; // nothing to wait for: a cell run on its slide
      }
      if (plot === false) {
        return render.call(renderer, model);
      }
      if (plot === null) {
        plot = { renderer: renderer, model: model };
        plot.draw = function () {
          plot.draw = function () {};
          var latest = plot.model;
          plot = false;
          render.call(renderer, latest);
        };
        if (!plotObserver) {
          plotObserver = new ResizeObserver(drawShownPlots);
          whenRevealReady(drawShownPlots);
        }
        waitingPlots.push(plot);
        plotObserver.observe(renderer.node);
      } else {
        plot.model = model; // a newer model before the first draw: draw that one
      }
      return Promise.resolve();
    };
    return renderer;
  }

  function deferPlots(registry) {
    if (!registry || registry.__wtoDeferPlots) {
      return;
    }
    registry.__wtoDeferPlots = true;
    var createRenderer = registry.createRenderer;
    registry.createRenderer = function (mimeType) {
      var renderer = createRenderer.apply(this, arguments);
      return mimeType === PLOTLY ? drawWhenShown(renderer) : renderer;
    };
    var clone = registry.clone;
    registry.clone = function () {
      var copy = clone.apply(this, arguments);
      deferPlots(copy); // the notebook's own registry is a clone of the app's
      return copy;
    };
  }

  function plugins(notebook, rendermime) {
    var tracker = notebook && notebook.INotebookTracker;
    var registryToken = rendermime && rendermime.IRenderMimeRegistry;
    return [
      {
        id: NAME + ':plots-when-shown',
        description: 'In the RISE app: each saved plot drawn when its slide first shows it, not before the first slide.',
        autoStart: true,
        optional: registryToken ? [registryToken] : [],
        activate: function (app, registry) {
          if (app.name !== RISE_APP) {
            return;
          }
          if (!registry) {
            console.warn(NAME + ': no rendermime registry in this page; the plots are drawn before the first slide');
            return;
          }
          deferPlots(registry);
        }
      },
      {
        id: NAME + ':slideshow-on-load',
        description: 'In the RISE app: the notebook kept clean until the slides exist (one-shot dirty check); the speaker notes window connected.',
        autoStart: true,
        optional: tracker ? [tracker] : [],
        activate: function (app, notebooks) {
          if (app.name !== RISE_APP) {
            return; // JupyterLab, Notebook 7…: nothing to do
          }
          fixNotesWindow();
          if (!notebooks) {
            console.warn(NAME + ': no notebook tracker in this page; the slideshow may open as a plain notebook');
            return;
          }
          notebooks.forEach(holdClean);
          notebooks.forEach(tagCells);
          notebooks.widgetAdded.connect(function (_sender, panel) {
            holdClean(panel);
            tagCells(panel);
          });
        }
      }
    ];
  }

  var modules = {
    './extension': function () {
      var optional = function (name) {
        return shared(name).then(null, function (error) {
          console.warn(error.message);
          return null;
        });
      };
      return Promise.all([optional('@jupyterlab/notebook'), optional('@jupyterlab/rendermime')]).then(function (found) {
        return plugins(found[0], found[1]);
      });
    }
  };

  _JUPYTERLAB = window._JUPYTERLAB = window._JUPYTERLAB || {};
  _JUPYTERLAB[NAME] = {
    init: function (shareScope) {
      if (scope && scope !== shareScope) {
        throw new Error(NAME + ': already initialized with a different share scope');
      }
      scope = shareScope;
      if (provideConsole(shareScope)) {
        console.info(NAME + ': shared a stand-in ' + CONSOLE + ' (IConsoleTracker only) for the widget manager');
      }
    },
    get: function (module) {
      if (!Object.prototype.hasOwnProperty.call(modules, module)) {
        return Promise.reject(new Error('Module "' + module + '" does not exist in container.'));
      }
      return modules[module]().then(function (exports) {
        return function () {
          return { __esModule: true, default: exports };
        };
      });
    }
  };
})();
