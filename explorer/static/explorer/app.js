/* The explorer: search, trending and analytics over the public API (API.md), nothing else.
   The address bar holds the view, the query and the filters, so a search can be shared and reloaded. */
"use strict";

(() => {
  const API = "/api/v1";
  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];
  const CATEGORIES = ["film", "autos", "music", "pets", "sports", "travel", "gaming", "people", "comedy",
    "entertainment", "news", "howto", "education", "science", "nonprofit"];
  const SEARCH_KEYS = ["q", "order", "duration", "language", "published_after", "published_before",
    "category", "region", "tags"];
  const FACETS = "category,language,duration,region";

  // ---- language --------------------------------------------------------------------------------------
  const TEXTS = window.EXPLORER_TEXTS;
  let lang = localStorage.getItem("explorer.lang") ||
    ((navigator.language || "en").toLowerCase().startsWith("ko") ? "ko" : "en");
  const t = (key, vars = {}) =>
    (TEXTS[lang][key] || TEXTS.en[key] || key).replace(/\{(\w+)\}/g, (_, name) => vars[name] ?? "");
  const number = (n) => new Intl.NumberFormat(lang === "ko" ? "ko-KR" : "en-US").format(n);

  function applyLanguage() {
    document.documentElement.lang = lang;
    $$("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    $$("[data-i18n-placeholder]").forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
    $("#lang-switch").textContent = t("lang.other");
    document.title = t("title");
  }

  // ---- API -------------------------------------------------------------------------------------------
  let token = sessionStorage.getItem("explorer.token") || "";

  async function api(path, { method = "GET", body, auth = false } = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (auth && token) headers.Authorization = `Token ${token}`;
    // `next` links are absolute; only their path and query are used, so requests stay on this origin
    const url = /^https?:/.test(path) ? (({ pathname, search }) => pathname + search)(new URL(path))
      : path.startsWith("/") ? path : `${API}/${path}`;
    const response = await fetch(url, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error((data.error && data.error.message) || response.statusText);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  // Only the newest request of each kind may draw: when filters change faster than the API answers, an
  // older answer that arrives late is dropped instead of overwriting the newer one.
  const newest = {};
  function ticket(kind) {
    const n = (newest[kind] || 0) + 1;
    newest[kind] = n;
    return () => newest[kind] === n;
  }

  // ---- views and the address bar -----------------------------------------------------------------------
  const params = () => new URLSearchParams(location.search);

  function setAddress(next, { replace = false } = {}) {
    const clean = new URLSearchParams();
    for (const [key, value] of next) if (value) clean.append(key, value);
    const url = `${location.pathname}?${clean}`;
    if (url !== `${location.pathname}${location.search}`) {
      history[replace ? "replaceState" : "pushState"](null, "", url);
    }
  }

  function show(view) {
    $$(".view").forEach((section) => { section.hidden = section.id !== `view-${view}`; });
    $$("nav a").forEach((a) => a.classList.toggle("active", a.dataset.view === view));
  }

  function route() {
    const view = params().get("view") || "search";
    show(view);
    if (view === "search") loadSearchFromAddress();
    if (view === "trending") loadTrending();
    if (view === "analytics") loadAnalytics();
  }

  // ---- video list items --------------------------------------------------------------------------------
  function duration(seconds) {
    const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    const pad = (n) => String(n).padStart(2, "0");
    return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
  }

  function videoItem(video, extra = "") {
    const item = $("#video-item").content.firstElementChild.cloneNode(true);
    const title = $(".v-title", item);
    const link = document.createElement("a");
    link.href = video.url;
    link.rel = "noopener";
    // Highlights are the video's own text HTML-escaped by the API with only <mark> added (API.md).
    if (video.highlight && video.highlight.title) link.innerHTML = video.highlight.title;
    else link.textContent = video.title;
    title.append(link);
    if (extra) title.insertAdjacentText("afterbegin", extra);
    $(".v-channel", item).textContent = video.channel.name;
    $(".v-views", item).textContent = `${number(video.view_count)} ${t("views")}`;
    $(".v-likes", item).textContent = `${number(video.like_count)} ${t("likes")}`;
    $(".v-comments", item).textContent = `${number(video.comment_count)} ${t("comments")}`;
    $(".v-duration", item).textContent = duration(video.duration_s);
    const description = $(".v-description", item);
    if (video.highlight && video.highlight.description) description.innerHTML = video.highlight.description;
    else description.textContent = (video.description || "").slice(0, 200);
    const toggle = $(".v-related-toggle", item);
    toggle.textContent = t("related");
    toggle.addEventListener("click", () => toggleRelated(video, item, toggle));
    return item;
  }

  // Videos like this one (GET /videos/{id}/related), shown under the card on demand.
  async function toggleRelated(video, item, toggle) {
    const box = $(".v-related", item);
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    box.hidden = !open;
    if (!open || box.dataset.loaded) return;
    let data;
    try {
      data = await api(`${API}/videos/${video.id}/related?limit=5`);
    } catch (error) {
      box.textContent = t("error", { message: error.message });
      return;
    }
    box.dataset.loaded = "1";
    box.replaceChildren();
    if (!data.results.length) box.textContent = t("related.none");
    for (const hit of data.results) {
      const line = document.createElement("p");
      line.className = "v-related-item";
      const link = document.createElement("a");
      link.href = hit.url;
      link.rel = "noopener";
      link.textContent = hit.title;
      line.append(link, ` · ${hit.channel.name} · ${number(hit.view_count)} ${t("views")}`);
      box.append(line);
    }
  }

  // ---- search ------------------------------------------------------------------------------------------
  let nextPage = null;

  function searchParamsFromForm(base = params()) {
    const next = new URLSearchParams({ view: "search" });
    next.set("q", $("#q").value.trim());
    for (const [key, id] of [["order", "#f-order"], ["duration", "#f-duration"], ["language", "#f-language"],
      ["published_after", "#f-after"], ["published_before", "#f-before"]]) next.set(key, $(id).value);
    for (const key of ["category", "region", "tags"]) if (base.get(key)) next.set(key, base.get(key));
    return next;
  }

  function loadSearchFromAddress() {
    const p = params();
    $("#q").value = p.get("q") || "";
    $("#f-order").value = p.get("order") || "";
    $("#f-duration").value = p.get("duration") || "";
    $("#f-language").value = p.get("language") || "";
    $("#f-after").value = p.get("published_after") || "";
    $("#f-before").value = p.get("published_before") || "";
    runSearch(p);
  }

  async function runSearch(p, { append = false } = {}) {
    const query = new URLSearchParams();
    for (const key of SEARCH_KEYS) if (p.get(key)) query.set(key, p.get(key));
    query.set("facets", FACETS);
    query.set("page_size", "10");
    const current = ticket("search");
    let data;
    try {
      data = await api(append && nextPage ? nextPage : `${API}/search/videos?${query}`);
    } catch (error) {
      if (current()) $("#total").textContent = t("error", { message: error.message });
      return;
    }
    if (!current()) return;
    const list = $("#results");
    if (!append) list.replaceChildren();
    data.results.forEach((video) => list.append(videoItem(video)));
    nextPage = data.next;
    $("#more").hidden = !nextPage;
    if (append) return;
    const total = t(data.total.relation === "eq" ? "results" : `results.${data.total.relation}`,
      { n: number(data.total.value) });
    $("#total").textContent = data.results.length ? total : t("nothing");
    const corrected = $("#corrected");
    corrected.hidden = !data.query.corrected;
    if (data.query.corrected) corrected.textContent = `${t("showing")} ${data.query.corrected}`;
    const didYouMean = $("#did-you-mean");
    didYouMean.hidden = !data.suggestion || Boolean(data.query.corrected);
    if (data.suggestion && !data.query.corrected) {
      didYouMean.replaceChildren(`${t("didyoumean")} `);
      const link = document.createElement("a");
      link.href = `?view=search&q=${encodeURIComponent(data.suggestion)}`;
      link.textContent = data.suggestion;
      link.addEventListener("click", (event) => {
        event.preventDefault();
        $("#q").value = data.suggestion;
        submitSearch();
      });
      didYouMean.append(link);
    }
    renderFacets(data.facets || {}, p, data.facets_sampled);
  }

  function renderFacets(facets, p, sampled) {
    const aside = $("#facets");
    aside.replaceChildren();
    if (sampled && Object.values(facets).some((buckets) => buckets.length)) {
      const note = document.createElement("p");
      note.className = "facets-sampled";
      note.textContent = t("facets.sampled");
      aside.append(note);
    }
    for (const [name, buckets] of Object.entries(facets)) {
      if (!buckets.length) continue;
      const group = document.createElement("div");
      group.className = "facet";
      group.dataset.facet = name;
      const heading = document.createElement("h4");
      heading.textContent = t(`facet.${name}`);
      group.append(heading);
      const active = (p.get(name) || "").split(",").filter(Boolean);
      for (const bucket of buckets.slice(0, 10)) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "chip";
        button.dataset.value = bucket.value;
        button.setAttribute("aria-pressed", String(active.includes(bucket.value)));
        const label = document.createElement("span");
        label.textContent = bucket.value;
        const count = document.createElement("span");
        count.className = "count";
        count.textContent = number(bucket.count);
        button.append(label, " ", count);
        button.addEventListener("click", () => {
          const next = searchParamsFromForm();
          const values = active.includes(bucket.value) ? active.filter((v) => v !== bucket.value)
            : [...active, bucket.value];
          next.set(name, values.join(","));
          if (name === "duration" || name === "language") {
            next.set(name, active.includes(bucket.value) ? "" : bucket.value);
          }
          setAddress(next);
          loadSearchFromAddress();
        });
        group.append(button);
      }
      aside.append(group);
    }
  }

  function submitSearch() {
    closeSuggestions();
    const next = searchParamsFromForm(new URLSearchParams());
    setAddress(next);
    runSearch(next);
  }

  // As-you-type suggestions: a combobox listbox navigable with the arrow keys, Enter and Escape.
  let suggestTimer = null;
  let activeSuggestion = -1;

  function closeSuggestions() {
    // a suggestion still on its way must not open the list again once it is closed
    clearTimeout(suggestTimer);
    ticket("suggest");
    $("#suggestions").hidden = true;
    $("#q").setAttribute("aria-expanded", "false");
    $("#q").removeAttribute("aria-activedescendant");
    activeSuggestion = -1;
  }

  async function suggest() {
    const prefix = $("#q").value.trim();
    const current = ticket("suggest");
    if (!prefix) { closeSuggestions(); return; }
    let data;
    try { data = await api(`${API}/search/suggest?q=${encodeURIComponent(prefix)}&limit=8`); } catch { return; }
    if (!current()) return;
    const list = $("#suggestions");
    list.replaceChildren();
    data.suggestions.forEach((suggestion, index) => {
      const option = document.createElement("li");
      option.id = `suggestion-${index}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.textContent = suggestion.text;
      option.dataset.kind = suggestion.kind;
      option.addEventListener("mousedown", (event) => {
        event.preventDefault();
        $("#q").value = suggestion.text;
        submitSearch();
      });
      list.append(option);
    });
    activeSuggestion = -1;
    list.hidden = !data.suggestions.length;
    $("#q").setAttribute("aria-expanded", String(!list.hidden));
  }

  function moveSuggestion(step) {
    const options = $$("#suggestions li");
    if (!options.length) return;
    activeSuggestion = (activeSuggestion + step + options.length) % options.length;
    options.forEach((option, index) => option.setAttribute("aria-selected", String(index === activeSuggestion)));
    $("#q").setAttribute("aria-activedescendant", options[activeSuggestion].id);
  }

  // ---- trending ----------------------------------------------------------------------------------------
  async function loadTrending() {
    const p = params();
    const window_ = p.get("window") || "now";
    $$("#t-window button").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.window === window_)));
    $("#t-region").value = p.get("region") || "";
    $("#t-category").value = p.get("category") || "";
    $("#t-language").value = p.get("language") || "";
    const query = new URLSearchParams({ window: window_, limit: "20" });
    for (const key of ["region", "category", "language"]) if (p.get(key)) query.set(key, p.get(key));
    const list = $("#trending");
    const current = ticket("trending");
    try {
      const data = await api(`${API}/trending/videos?${query}`);
      if (!current()) return;
      list.replaceChildren(...data.results.map((video) => {
        const item = videoItem(video, `${video.rank}. `);
        const inWindow = document.createElement("span");
        inWindow.className = "v-window";
        inWindow.textContent = ` · ${t("inwindow", { n: number(video.views_in_window) })}`;
        $(".v-meta", item).append(inWindow);
        return item;
      }));
      if (!data.results.length) list.textContent = t("nothing");
      list.dataset.window = window_; // the window whose list is drawn (the browser tests wait for it)
    } catch (error) {
      if (current()) list.textContent = t("error", { message: error.message });
    }
  }

  function trendingChanged(changes) {
    const next = params();
    next.set("view", "trending");
    for (const [key, value] of Object.entries(changes)) next.set(key, value);
    setAddress(next);
    loadTrending();
  }

  // ---- analytics ---------------------------------------------------------------------------------------
  const charts = {};
  window.explorerCharts = charts; // read by the browser tests

  function drawChart(id, config, points) {
    if (charts[id]) charts[id].destroy();
    const canvas = document.getElementById(id);
    charts[id] = new window.Chart(canvas, config);
    canvas.dataset.points = String(points);
  }

  async function loadAnalytics() {
    const signedIn = Boolean(token);
    $("#signin").hidden = signedIn;
    $("#analytics-body").hidden = !signedIn;
    if (!signedIn) return;
    let me;
    try {
      me = await api(`${API}/auth/me`, { auth: true });
    } catch (error) {
      signOut();
      showError("#signin-error", t("signin.failed", { message: error.message }));
      return;
    }
    $("#me").textContent = me.username;
    const p = params();
    const today = new Date().toISOString().slice(0, 10);
    const monthAgo = new Date(Date.now() - 27 * 86400e3).toISOString().slice(0, 10);
    $("#r-kind").value = p.get("kind") || "channels";
    $("#r-id").value = p.get("id") || (me.channels[0] ? me.channels[0].id : "");
    $("#r-start").value = p.get("start") || monthAgo;
    $("#r-end").value = p.get("end") || today;
    $("#r-granularity").value = p.get("granularity") || "day";
    $("#r-compare").checked = p.get("compare") === "previous_period";
    if ($("#r-id").value) await loadReport();
    const analyst = me.groups.includes("analysts");
    $("#top-section").hidden = false;
    await loadTop(analyst);
  }

  function showError(selector, message) {
    const el = $(selector);
    el.hidden = !message;
    el.textContent = message || "";
  }

  function column(report, name) {
    const index = report.columns.findIndex((c) => c.name === name);
    return report.rows.map((row) => (index < 0 ? null : row[index]));
  }

  function reportQuery() {
    const range = new URLSearchParams({ start: $("#r-start").value, end: $("#r-end").value });
    const series = new URLSearchParams(range);
    series.set("granularity", $("#r-granularity").value);
    series.set("metrics", "views,watch_seconds");
    if ($("#r-compare").checked) series.set("compare", "previous_period");
    return { kind: $("#r-kind").value, id: $("#r-id").value, range, series };
  }

  async function loadReport() {
    const { kind, id, range, series } = reportQuery();
    showError("#report-error", "");
    const current = ticket("report");
    const countryDay = new URLSearchParams(range);
    countryDay.set("dimensions", "day,country");
    countryDay.set("metrics", "views");
    try {
      const [byTime, byCountry, byDevice, byCountryDay] = await Promise.all([
        api(`${API}/analytics/${kind}/${id}?${series}`, { auth: true }),
        api(`${API}/analytics/${kind}/${id}?${range}&dimension=country`, { auth: true }),
        api(`${API}/analytics/${kind}/${id}?${range}&dimension=device`, { auth: true }),
        api(`${API}/analytics/${kind}/${id}?${countryDay}`, { auth: true }),
      ]);
      if (!current()) return;
      const datasets = [
        { label: t("views"), data: column(byTime, "views"), yAxisID: "y", borderColor: "#c00",
          backgroundColor: "#c00", tension: 0.2 },
        { label: t("watch"), data: column(byTime, "watch_seconds"), yAxisID: "y1", borderColor: "#06c",
          backgroundColor: "#06c", tension: 0.2 },
      ];
      if (series.has("compare")) {
        datasets.push({ label: t("views.previous"), data: column(byTime, "views_previous"), yAxisID: "y",
          borderColor: "#e88", backgroundColor: "#e88", borderDash: [6, 4], tension: 0.2 });
      }
      drawChart("chart-series", {
        type: "line",
        data: { labels: byTime.rows.map((row) => row[0]), datasets },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          interaction: { mode: "index", intersect: false },
          scales: {
            x: { title: { display: true, text: $("#r-granularity").selectedOptions[0].textContent } },
            y: { beginAtZero: true, position: "left", title: { display: true, text: t("views") } },
            y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false },
              title: { display: true, text: t("watch") } },
          },
        },
      }, byTime.rows.length);
      for (const [id_, report] of [["chart-country", byCountry], ["chart-device", byDevice]]) {
        drawChart(id_, {
          type: "bar",
          data: {
            labels: report.rows.map((row) => row[0] || "?"),
            datasets: [{ label: t("views"), data: report.rows.map((row) => row[1]), backgroundColor: "#c00" }],
          },
          options: { responsive: true, maintainAspectRatio: false, animation: false,
            scales: { y: { beginAtZero: true, title: { display: true, text: t("views") } } } },
        }, report.rows.length);
      }
      drawCountryDay(byCountryDay);
    } catch (error) {
      if (current()) showError("#report-error", t("error", { message: error.message }));
    }
    loadRealtime();
  }

  // A day × country table: a row per day (newest first), a column per country (most viewed first).
  function drawCountryDay(report) {
    const totals = new Map();
    const cells = new Map();
    for (const [day, country, views] of report.rows) {
      totals.set(country, (totals.get(country) || 0) + views);
      cells.set(`${day}|${country}`, views);
    }
    const countries = [...totals.keys()].sort((a, b) => totals.get(b) - totals.get(a) || a.localeCompare(b));
    const days = [...new Set(report.rows.map((row) => row[0]))].reverse();
    const table = $("#country-day-table");
    const head = document.createElement("tr");
    for (const name of [t("day"), ...countries]) {
      const th = document.createElement("th");
      th.textContent = name;
      head.append(th);
    }
    $("thead", table).replaceChildren(head);
    $("tbody", table).replaceChildren(...days.map((day) => {
      const tr = document.createElement("tr");
      for (const text of [day, ...countries.map((c) => number(cells.get(`${day}|${c}`) || 0))]) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    }));
    table.dataset.days = String(days.length);
    table.dataset.countries = String(countries.length);
  }

  // The last hour by minute, redrawn every EXPLORER_REALTIME_MS while the analytics view is open.
  let realtimeTimer = 0;
  async function loadRealtime() {
    clearTimeout(realtimeTimer);
    if ($("#view-analytics").hidden || !token || !$("#r-id").value) return;
    const subject = $("#r-kind").value === "videos" ? "video" : "channel";
    const current = ticket("realtime");
    try {
      const data = await api(`${API}/analytics/realtime?${subject}=${$("#r-id").value}`, { auth: true });
      if (!current()) return;
      drawChart("chart-realtime", {
        type: "bar",
        data: {
          labels: data.minutes.map((m) => m.minute.slice(11, 16)),
          datasets: [{ label: t("views"), data: data.minutes.map((m) => m.views), backgroundColor: "#c00" }],
        },
        options: { responsive: true, maintainAspectRatio: false, animation: false,
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
      }, data.minutes.length);
      const canvas = $("#chart-realtime");
      canvas.dataset.refreshes = String(Number(canvas.dataset.refreshes || 0) + 1);
      canvas.dataset.views = String(data.minutes.reduce((sum, m) => sum + m.views, 0));
      $("#realtime-top").textContent = data.top_5m.length
        ? data.top_5m.map((v) => `#${v.video_id} (${number(v.views)})`).join(", ") : t("none");
    } catch (error) {
      if (current()) showError("#report-error", t("error", { message: error.message }));
    }
    realtimeTimer = setTimeout(loadRealtime, window.EXPLORER_REALTIME_MS || 10000);
  }

  // The series as CSV, fetched with the token (a plain link could not send it) and saved under the
  // file name the API gives.
  async function downloadCsv() {
    const { kind, id, series } = reportQuery();
    series.set("format", "csv");
    showError("#report-error", "");
    try {
      const response = await fetch(`${API}/analytics/${kind}/${id}?${series}`,
        { headers: { Authorization: `Token ${token}`, Accept: "text/csv" } });
      if (!response.ok) {
        const data = await response.json().catch(() => ({}));
        throw new Error((data.error && data.error.message) || response.statusText);
      }
      const name = (/filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "") || [])[1];
      const link = document.createElement("a");
      link.href = URL.createObjectURL(await response.blob());
      link.download = name || "report.csv";
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    } catch (error) {
      showError("#report-error", t("error", { message: error.message }));
    }
  }

  async function loadTop(analyst) {
    const current = ticket("top");
    const table = $("#top-table");
    if (!analyst) {
      table.hidden = true;
      $("#top-section .filters").hidden = true;
      showTopMessage(t("top.forbidden"));
      return;
    }
    table.hidden = false;
    $("#top-section .filters").hidden = false;
    showTopMessage("");
    const query = new URLSearchParams({
      start: $("#r-start").value, end: $("#r-end").value, limit: "10",
      dimension: $("#top-dimension").value, metric: $("#top-metric").value,
    });
    try {
      const data = await api(`${API}/analytics/top?${query}`, { auth: true });
      if (!current()) return;
      const head = document.createElement("tr");
      data.columns.forEach((column) => {
        const th = document.createElement("th");
        th.textContent = column.name;
        head.append(th);
      });
      $("thead", table).replaceChildren(head);
      $("tbody", table).replaceChildren(...data.rows.map((row) => {
        const tr = document.createElement("tr");
        row.forEach((cell) => {
          const td = document.createElement("td");
          td.textContent = typeof cell === "number" ? number(Math.round(cell * 10) / 10) : String(cell);
          tr.append(td);
        });
        return tr;
      }));
    } catch (error) {
      if (current()) showTopMessage(t("error", { message: error.message }));
    }
  }

  function showTopMessage(message) {
    let note = $("#top-note");
    if (!note) {
      note = document.createElement("p");
      note.id = "top-note";
      note.className = "muted";
      $("#top-section").append(note);
    }
    note.textContent = message;
    note.hidden = !message;
  }

  function signOut() {
    token = "";
    sessionStorage.removeItem("explorer.token");
    $("#signin").hidden = false;
    $("#analytics-body").hidden = true;
  }

  // ---- wiring ------------------------------------------------------------------------------------------
  document.addEventListener("DOMContentLoaded", () => {
    $("#t-category").append(...CATEGORIES.map((c) => new Option(c, c)));
    applyLanguage();
    $("#lang-switch").addEventListener("click", () => {
      lang = lang === "ko" ? "en" : "ko";
      localStorage.setItem("explorer.lang", lang);
      applyLanguage();
      route();
    });
    $$("nav a").forEach((a) => a.addEventListener("click", (event) => {
      event.preventDefault();
      const next = a.dataset.view === "search" ? searchParamsFromForm() : new URLSearchParams();
      next.set("view", a.dataset.view);
      setAddress(next);
      route();
    }));
    window.addEventListener("popstate", route);

    $("#search-form").addEventListener("submit", (event) => {
      event.preventDefault();
      if (activeSuggestion >= 0) $("#q").value = $$("#suggestions li")[activeSuggestion].textContent;
      submitSearch();
    });
    $("#q").addEventListener("input", () => {
      clearTimeout(suggestTimer);
      suggestTimer = setTimeout(suggest, 120);
    });
    $("#q").addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown") { event.preventDefault(); moveSuggestion(1); }
      if (event.key === "ArrowUp") { event.preventDefault(); moveSuggestion(-1); }
      if (event.key === "Escape" && !$("#suggestions").hidden) {
        event.preventDefault(); // the first Escape closes the list; only the next clears the box
        closeSuggestions();
      }
    });
    $("#q").addEventListener("blur", () => setTimeout(closeSuggestions, 150));
    for (const id of ["#f-order", "#f-duration", "#f-language", "#f-after", "#f-before"]) {
      $(id).addEventListener("change", () => {
        const next = searchParamsFromForm();
        setAddress(next);
        runSearch(next);
      });
    }
    $("#more").addEventListener("click", () => runSearch(params(), { append: true }));

    $$("#t-window button").forEach((b) => b.addEventListener("click", () => trendingChanged({ window: b.dataset.window })));
    $("#t-category").addEventListener("change", (e) => trendingChanged({ category: e.target.value }));
    $("#t-region").addEventListener("change", (e) => trendingChanged({ region: e.target.value.toUpperCase() }));
    $("#t-language").addEventListener("change", (e) => trendingChanged({ language: e.target.value.toLowerCase() }));

    $("#signin").addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = new FormData(event.target);
      showError("#signin-error", "");
      try {
        if (form.get("token")) token = String(form.get("token")).trim();
        else token = (await api(`${API}/auth/token`, { method: "POST",
          body: { username: form.get("username"), password: form.get("password") } })).token;
        sessionStorage.setItem("explorer.token", token);
        event.target.reset();
        loadAnalytics();
      } catch (error) {
        showError("#signin-error", t("signin.failed", { message: error.message }));
      }
    });
    $("#signout").addEventListener("click", signOut);
    $("#r-csv").addEventListener("click", downloadCsv);
    $("#report-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const next = new URLSearchParams({ view: "analytics", kind: $("#r-kind").value, id: $("#r-id").value,
        start: $("#r-start").value, end: $("#r-end").value, granularity: $("#r-granularity").value });
      if ($("#r-compare").checked) next.set("compare", "previous_period");
      setAddress(next);
      loadReport();
      loadTop(!$("#top-section .filters").hidden);
    });
    for (const id of ["#top-dimension", "#top-metric"]) $(id).addEventListener("change", () => loadTop(true));
    route();
  });
})();
