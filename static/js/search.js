/* Suggestions as you type in the header search box. Without this script the box is a plain
   GET form to the results page; with it, a listbox of products follows the input (ARIA
   combobox pattern: arrows move, Enter opens, Escape closes). */
(function () {
  "use strict";

  const input = document.getElementById("site-search");
  if (!input || !window.fetch || !input.dataset.suggestUrl) {
    return;
  }
  const form = input.form;
  const list = document.createElement("ul");
  list.id = "site-search-list";
  list.className = "suggest-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", input.dataset.suggestLabel || "");
  list.hidden = true;
  form.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);

  let timer = null;
  let controller = null;
  let active = -1;

  function options() {
    return Array.from(list.querySelectorAll("[role=option]"));
  }

  function close() {
    list.hidden = true;
    list.replaceChildren();
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function select(index) {
    const items = options();
    if (!items.length) {
      return;
    }
    active = (index + items.length) % items.length;
    items.forEach(function (item, i) {
      item.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  }

  function option(id, href, build) {
    const item = document.createElement("li");
    item.id = id;
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", "false");
    const link = document.createElement("a");
    link.href = href;
    link.tabIndex = -1;
    build(link);
    item.appendChild(link);
    return item;
  }

  function render(data) {
    list.replaceChildren();
    active = -1;
    data.suggestions.forEach(function (s, i) {
      list.appendChild(option("site-search-opt-" + i, s.url, function (link) {
        const name = document.createElement("span");
        s.highlight.forEach(function (part) {
          const node = document.createElement(part.match ? "mark" : "span");
          node.textContent = part.text;
          name.appendChild(node);
        });
        const producer = document.createElement("span");
        producer.className = "producer";
        producer.textContent = s.producer;
        link.append(name, producer);
      }));
    });
    const all = option("site-search-opt-all", data.search_url, function (link) {
      link.textContent = form.querySelector("button[type=submit]").textContent + ": " + data.query;
    });
    all.classList.add("all");
    list.appendChild(all);
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function load() {
    const text = input.value.trim();
    if (!text) {
      close();
      return;
    }
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    const url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(text);
    fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data && input.value.trim() === text && document.activeElement === input) {
          render(data);
        }
      })
      .catch(function () {
        /* offline or aborted: the form still works */
      });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(load, 150);
  });

  input.addEventListener("keydown", function (event) {
    if (list.hidden) {
      return;
    }
    if (event.key === "ArrowDown") {
      event.preventDefault();
      select(active + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      select(active - 1);
    } else if (event.key === "Escape") {
      close();
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.assign(options()[active].querySelector("a").href);
    }
  });

  // Keep focus in the input while a suggestion is clicked.
  list.addEventListener("mousedown", function (event) {
    event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) {
      close();
    }
  });

  input.addEventListener("blur", function () {
    window.setTimeout(close, 150);
  });
})();

/* The results page's sort menu applies as soon as it changes (its button stays for no-JS). */
(function () {
  "use strict";
  document.querySelectorAll(".sort-form select").forEach(function (menu) {
    menu.addEventListener("change", function () {
      menu.form.submit();
    });
  });
})();
