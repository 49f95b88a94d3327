/*
 * The header search box (overrides/partials/search.html) driven by Pagefind.
 *
 * Pagefind's bundle (site/pagefind/, written by build_tools/search.py after MkDocs) is
 * loaded only when the reader first opens the search box, from the site root computed
 * from Material's base_url, so it also works when the site is served from a sub-path.
 * Results are shown in Material's own result markup. Excerpts come from report text,
 * which is untrusted: they are rebuilt as text nodes, keeping only Pagefind's <mark>.
 */
(function () {
  "use strict";
  var PAGE = 10;
  var SCAN = 5 * PAGE;
  var root = document.querySelector("[data-archive-search]");
  if (!root) return;
  var input = root.querySelector("[data-archive-search-query]");
  var meta = root.querySelector("[data-archive-search-meta]");
  var list = root.querySelector("[data-archive-search-list]");
  var toggle = document.getElementById("__search");
  var form = root.querySelector("form");
  var texts = root.dataset;
  var engine = null;   // Promise of the Pagefind module
  var current = 0;     // number of the latest query, so a slow answer never overwrites a newer one

  function siteRoot() {
    var base = ".";
    var config = document.getElementById("__config");
    if (config) {
      try { base = JSON.parse(config.textContent).base || "."; } catch (e) { /* keep "." */ }
    }
    var root = new URL(base.replace(/\/?$/, "/"), document.baseURI);
    // A page opened as http://host//… (a doubled slash a server tolerates) would give a
    // root path of "//", which Pagefind turns into protocol-relative addresses
    // ("//pagefind/…", "//r/…" on a host named "pagefind" or "r"): its index and every
    // result link would point off the site.
    root.pathname = root.pathname.replace(/\/{2,}/g, "/");
    return root;
  }

  /*
   * Pagefind splits a Chinese query with the browser's word segmenter (ICU), which knows
   * fewer words than the segmenter that indexed the pages (jieba): 行政复议 is asked as
   * 行政 / 复 / 议 while the pages hold 行政 / 复议.  Each piece matches as a word prefix,
   * so 复 brought in every page with 复杂 too, and Pagefind's WebAssembly ranks each
   * candidate against every page of every matched word: for a common word, time that
   * grows with the square of the archive (at 10,000 reports, 5,694 candidates and 0.7 s,
   * where 731 pages hold 行政复议).  So the box splits the query itself (askedWords),
   * and Pagefind is started under a language tag it does not split, "und": it reads the
   * tag from <html lang>, once, as it starts, and with no index of that language it uses
   * the one it has.
   */
  var UNSPLIT = "und";

  function startUnsplit(pagefind) {
    var html = document.documentElement;
    var lang = html.getAttribute("lang");
    html.setAttribute("lang", UNSPLIT);
    try {
      pagefind.init();
    } finally {
      if (lang === null) html.removeAttribute("lang");
      else html.setAttribute("lang", lang);
    }
  }

  function load() {
    if (!engine) {
      var rootUrl = siteRoot();
      engine = import(new URL("pagefind/pagefind.js", rootUrl).href).then(function (pagefind) {
        return pagefind.options({ baseUrl: rootUrl.pathname, excerptLength: 40 })
          .then(function () { startUnsplit(pagefind); return pagefind; });
      });
      engine.catch(function () { /* reported when a query needs it */ });
    }
    return engine;
  }

  function count(n) {
    if (n === 0) return texts.textNone;
    if (n === 1) return texts.textOne;
    return texts.textOther.replace("#", String(n));
  }

  /*
   * A page's hidden search words are its place and body names one character per word
   * (build_tools/search.py), which Pagefind's excerpt shows as 黄 南 州.  Chinese text has
   * no spaces between characters, so a space between two of them is closed up, also
   * where the <mark> of a matched character holds it (<mark>黄 </mark><mark>南 </mark>).
   */
  var HAN = "[\\u3400-\\u9fff\\uf900-\\ufaff]";   // a Chinese character
  var SPACED = new RegExp("(" + HAN + "(?:</?mark>)*) ((?:</?mark>)*)(?=" + HAN + ")", "g");

  /* Text of Pagefind's excerpt with only its <mark> elements kept, as DOM nodes. */
  function excerptNodes(html) {
    html = (html || "").replace(SPACED, "$1$2");
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var out = document.createDocumentFragment();
    (function walk(node) {
      node.childNodes.forEach(function (child) {
        if (child.nodeType === Node.TEXT_NODE) {
          out.appendChild(document.createTextNode(child.textContent));
        } else if (child.nodeName === "MARK") {
          var mark = document.createElement("mark");
          mark.textContent = child.textContent;
          out.appendChild(mark);
        } else if (child.nodeType === Node.ELEMENT_NODE) {
          walk(child);
        }
      });
    })(doc.body);
    return out;
  }

  /*
   * Pagefind's excerpt is the stretch of the page densest in the words asked, so for
   * 行政复议 (asked 行政 复议) it was often a sentence about 行政许可 and 行政处罚.  The box
   * shows the text around the first place the page holds the query as typed, every part of
   * the query marked; Pagefind's excerpt only where the text does not hold it.
   */
  var BEFORE = 20;    // characters of context before the first part of the query
  var LENGTH = 90;    // characters shown in all
  var HAN_GAP = new RegExp("(" + HAN + ")\\s+(?=" + HAN + ")", "g");

  function queryExcerpt(content, parts) {
    var text = (content || "").replace(/\s+/g, " ").replace(HAN_GAP, "$1");
    var lower = text.toLocaleLowerCase();
    if (lower.length !== text.length) return null;   // offsets would not line up
    var at = lower.indexOf(parts[0]);
    if (at === -1) return null;
    var start = Math.max(0, at - BEFORE);
    var end = Math.min(text.length, Math.max(start + LENGTH, at + parts[0].length));
    var out = document.createDocumentFragment();
    var longest = parts.slice().sort(function (a, b) { return b.length - a.length; });
    var plain = start > 0 ? "…" : "";
    for (var i = start; i < end;) {
      var part = null;
      for (var k = 0; k < longest.length && !part; k++) {
        if (lower.substr(i, longest[k].length) === longest[k]) part = longest[k];
      }
      if (!part) { plain += text.charAt(i); i += 1; continue; }
      if (plain) out.appendChild(document.createTextNode(plain));
      plain = "";
      var mark = document.createElement("mark");
      mark.textContent = text.substr(i, part.length);
      out.appendChild(mark);
      i += part.length;
    }
    plain += end < text.length ? "…" : "";
    if (plain) out.appendChild(document.createTextNode(plain));
    return out;
  }

  function item(data, parts) {
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var a = document.createElement("a");
    a.className = "md-search-result__link";
    a.tabIndex = -1;
    a.href = data.url;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    var h1 = document.createElement("h1");
    h1.textContent = (data.meta && data.meta.title) || data.url;
    var p = document.createElement("p");
    p.appendChild(queryExcerpt(data.content, parts) || excerptNodes(data.excerpt));
    article.appendChild(h1);
    article.appendChild(p);
    a.appendChild(article);
    li.appendChild(a);
    return li;
  }

  /*
   * Pagefind matches each word asked (askedWords) as a word prefix, so 海东市, asked
   * 海 / 东 / 市, also matches a page that merely holds 青海省 and 城东区.  A result is
   * shown only if its text holds every space-separated part of the query as typed (spaces
   * inside the text ignored, as Chinese has none).
   */
  function squeeze(text) { return (text || "").replace(/\s+/g, "").toLocaleLowerCase(); }

  function matches(data, parts) {
    var text = squeeze((data.meta && data.meta.title) || "") + squeeze(data.content);
    return parts.every(function (part) { return text.indexOf(part) !== -1; });
  }

  /*
   * Pagefind ranks by how often a page holds the words, so 海东市's own page came after
   * dozens of reports of its bodies, whose names repeat the city.  So a page titled with
   * the query leads: the place pages (marked kind:place for Pagefind by
   * build_tools/search.py) are searched on their own, and of the first NAMED of them
   * those whose title is the query, or begins with it, are shown first (at 10,000
   * reports 海东市 was the fifth place page Pagefind ranked for 海东市, after its
   * counties; a place page's fragment is under 1 KB).  Among the results of one round
   * the same order holds; otherwise Pagefind's order stands.
   */
  var NAMED = 10;

  function titleTier(data, query) {
    var title = squeeze((data.meta && data.meta.title) || "");
    if (title === query) return 0;
    return title.indexOf(query) === 0 ? 1 : 2;
  }

  // ``keep`` (optional) sees each page with its tier, so the tier is read once.
  function byTitle(found, query, keep) {
    return found
      .map(function (d, i) { return { d: d, i: i, tier: titleTier(d, query) }; })
      .filter(keep || function () { return true; })
      .sort(function (a, b) { return a.tier - b.tier || a.i - b.i; })
      .map(function (x) { return x.d; });
  }

  function namedPlaces(pagefind, query, parts) {
    var whole = parts.join("");
    return pagefind.search(query, { filters: { kind: "place" } }).then(function (search) {
      var top = search ? search.results.slice(0, NAMED) : [];
      return Promise.all(top.map(function (r) { return r.data(); }));
    }).then(function (datas) {
      return byTitle(datas, whole, function (x) { return x.tier < 2 && matches(x.d, parts); });
    }).catch(function () { return []; });   // no place pages: nothing to put first
  }

  /*
   * Loads candidates PAGE at a time, showing each batch's matches as it arrives (the
   * first batch after the named places), until PAGE shown, none left, or SCAN candidates
   * examined: a query that matches nothing as typed (江苏省海关) must not fetch the
   * fragment of every page holding 江, 苏, 省, 海 and 关 (1,865 of 10,000 pages, 860 KB)
   * before it can say so.  The reader may go on, SCAN candidates per click.  A round
   * shows at most PAGE; matches beyond that wait (``carried``) for the next.
   */
  function show(results, from, parts, ticket, named, carried) {
    var whole = parts.join("");
    var seen = {};
    var added = 0;
    var waiting = [];
    list.querySelectorAll("a.md-search-result__link").forEach(function (a) {
      seen[a.getAttribute("href")] = true;
    });
    var old = list.querySelector(".archive-search-more");
    if (old) old.remove();

    function put(datas) {
      datas.forEach(function (d) {
        if (seen[d.url]) return;   // a named place, shown first, comes again
        seen[d.url] = true;
        if (added >= PAGE) { waiting.push(d); return; }
        added += 1;
        list.appendChild(item(d, parts));
      });
    }
    put(carried || []);

    function status(next) {
      var shown = list.querySelectorAll("a.md-search-result__link").length;
      if (next >= results.length && !waiting.length) meta.textContent = count(shown);
      else if (shown === 0) meta.textContent = texts.textNotYet.replace("#", String(next));
      else meta.textContent = count(shown) + "（继续加载可能还有更多）";
    }

    function step(at, first) {
      if (added >= PAGE || at >= results.length || at - from >= SCAN) {
        return Promise.resolve(at);
      }
      var batch = Promise.all(results.slice(at, at + PAGE).map(function (r) { return r.data(); }));
      return Promise.all([batch, first && named ? named : []]).then(function (got) {
        if (ticket !== current) return at;
        put(got[1]);
        put(byTitle(got[0].filter(function (d) { return matches(d, parts); }), whole));
        status(at + PAGE);
        return step(at + PAGE, false);
      });
    }

    return step(from, true).then(function (next) {
      if (ticket !== current) return;
      status(next);
      if (next < results.length || waiting.length) {
        var li = document.createElement("li");
        li.className = "md-search-result__item archive-search-more";
        var button = document.createElement("button");
        button.type = "button";
        button.className = "md-search-result__more md-button";
        button.textContent = texts.textMore.replace(
          "#", String(results.length - next + waiting.length));
        button.addEventListener("click", function () {
          show(results, next, parts, ticket, null, waiting);
        });
        li.appendChild(button);
        list.appendChild(li);
      }
    });
  }

  /*
   * What Pagefind is asked: the query in words as the index holds them.
   *
   * The browser's segmenter cuts a word its dictionary lacks into single characters
   * (复议 -> 复 / 议); a run of such characters is asked as one word, matched as a prefix
   * of the words the index holds.  Not so a run within a place name of the archive
   * (search-words.json "places"): jieba splits those its own way (海东 / 市), and every
   * page of a place also holds each character of its name as a word of its own
   * (build_tools/search.py name_characters), so they are asked one by one.
   *
   * Left out, if any other word is left: the words nearly every report holds
   * (domain/search_words.yml).  Pagefind loads every page's positions of each word asked,
   * and for 公开 that was 306 KB at 10,000 reports; the pages shown still hold the whole
   * query as typed (matches), so dropping 公开 from 不予公开 loses none of them.  A query
   * of nothing but such words is asked as the lightest of them (the list runs heaviest
   * first): every page is a candidate however it is asked.
   */
  var words = null;   // Promise of {ubiquitous: [heaviest, …, lightest], places: "name|…"}

  function loadWords() {
    if (!words) {
      words = fetch(new URL("assets/search-words.json", siteRoot()).href)
        .then(function (r) { return r.ok ? r.json() : {}; })
        .catch(function () { return {}; })
        .then(function (data) {
          return { ubiquitous: data.ubiquitous || [], places: (data.places || []).join("|") };
        });
    }
    return words;
  }

  var ONE_HAN = new RegExp("^" + HAN + "$");

  /* The length of the longest part of a place name at ``at`` in ``run`` (0 if under 2). */
  function placeAt(run, at, places) {
    for (var n = run.length - at; n > 1; n--) {
      if (places.indexOf(run.substr(at, n)) !== -1) return n;
    }
    return 0;
  }

  /* A run of single characters: the parts of place names one by one, the rest as words. */
  function runWords(run, places) {
    var out = [];
    var glued = "";
    for (var at = 0; at < run.length;) {
      var n = placeAt(run, at, places);
      if (n) {
        if (glued) out.push(glued);
        glued = "";
        out.push.apply(out, run.substr(at, n).split(""));
        at += n;
      } else {
        glued += run.charAt(at);
        at += 1;
      }
    }
    if (glued) out.push(glued);
    return out;
  }

  function pieceWords(piece, places, segmenter) {
    var out = [];
    var run = "";
    function close() {
      out.push.apply(out, runWords(run, places));
      run = "";
    }
    Array.from(segmenter.segment(piece)).forEach(function (s) {
      if (!s.isWordLike) { close(); return; }
      if (ONE_HAN.test(s.segment)) { run += s.segment; return; }
      close();
      out.push(s.segment);
    });
    close();
    return out;
  }

  function askedWords(query, known) {
    var pieces = query.split(/\s+/).filter(Boolean);
    if (typeof Intl === "undefined" || !Intl.Segmenter) return pieces;
    var segmenter = new Intl.Segmenter("zh", { granularity: "word" });
    var all = [];
    pieces.forEach(function (piece) {
      all.push.apply(all, pieceWords(piece, known.places, segmenter));
    });
    var rank = function (w) { return known.ubiquitous.indexOf(w); };
    var kept = all.filter(function (w) { return rank(w) === -1; });
    if (kept.length || !all.length) return kept;
    return [all.reduce(function (a, b) { return rank(b) > rank(a) ? b : a; })];
  }

  function run() {
    var query = input.value.trim();
    var ticket = ++current;
    if (!query) {
      list.textContent = "";
      meta.textContent = texts.textPlaceholder;
      return;
    }
    var parts = query.split(/\s+/).map(squeeze).filter(Boolean);
    Promise.all([load(), loadWords()]).then(function (got) {
      var pagefind = got[0];
      var asked = askedWords(query, got[1]).join(" ");
      return pagefind.debouncedSearch(asked, {}, 150).then(function (search) {
        if (!search || ticket !== current) return;   // superseded by a newer query
        list.textContent = "";
        return show(search.results, 0, parts, ticket, namedPlaces(pagefind, asked, parts));
      });
    }).catch(function () {
      if (ticket !== current) return;
      list.textContent = "";
      meta.textContent = texts.textUnavailable;
    });
  }

  function open() {
    if (toggle && !toggle.checked) {
      toggle.checked = true;
      toggle.dispatchEvent(new Event("change"));
    }
    input.focus();
  }

  input.addEventListener("input", run);
  input.addEventListener("focus", function () { open(); load(); loadWords(); });
  form.addEventListener("reset", function () { setTimeout(run, 0); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = list.querySelector("a.md-search-result__link");
    if (first) window.location.href = first.href;
  });
  if (toggle) {
    toggle.addEventListener("change", function () {
      if (toggle.checked) { input.focus(); load(); loadWords(); }
    });
  }
  document.addEventListener("keydown", function (event) {
    var typing = event.target && (event.target.isContentEditable ||
      /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName));
    if (event.key === "Escape" && toggle && toggle.checked) {
      toggle.checked = false;
      input.blur();
    } else if (!typing && !event.ctrlKey && !event.metaKey && !event.altKey &&
               (event.key === "/" || event.key === "s" || event.key === "f")) {
      // Material's own shortcuts for opening search
      event.preventDefault();
      open();
    }
  });
})();
