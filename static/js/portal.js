// The organization tree: a node's children load when it is first expanded.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button.toggle");
  if (!button) return;
  const node = button.closest("li.node");
  const list = node.querySelector(":scope > ul.children");
  const open = button.getAttribute("aria-expanded") === "true";
  if (!open && !list.dataset.loaded) {
    button.disabled = true;
    try {
      const response = await fetch(button.dataset.childrenUrl, { headers: { "X-Requested-With": "fetch" } });
      if (!response.ok) throw new Error(response.status);
      list.innerHTML = await response.text();
      list.dataset.loaded = "1";
    } catch (err) {
      list.innerHTML = "<li class='error'>" + (document.documentElement.lang.startsWith("zh") ? "加载失败，请重试" : "Could not load") + "</li>";
    } finally {
      button.disabled = false;
    }
  }
  list.hidden = open;
  button.setAttribute("aria-expanded", String(!open));
  button.textContent = open ? "▸" : "▾";
});

// Small behaviours wired by data attributes, so templates need no inline script or on* handler (the CSP forbids them).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-toggle-nav]")) document.body.classList.toggle("nav-open");
  if (event.target.closest("[data-print]")) window.print();
});
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]") && event.target.form) event.target.form.submit();
});

// Every table with a header becomes cards on a phone (static/css/portal.css, under 600px): each cell is labelled
// with its column's header (data-label), as templates/core/object_list.html does on the server. A table marked
// data-no-cards (a grid to read across) scrolls inside its own box instead.
for (const table of document.querySelectorAll("table:not([data-no-cards])")) {
  const headerRow = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
  if (!headerRow) continue;
  const labels = [];
  for (const cell of headerRow.cells) {
    for (let i = 0; i < (cell.colSpan || 1); i += 1) labels.push(cell.textContent.trim());
  }
  for (const body of table.tBodies) {
    for (const row of body.rows) {
      let column = 0;
      for (const cell of row.cells) {
        if (!cell.hasAttribute("data-label") && labels[column] && cell.colSpan === 1) cell.dataset.label = labels[column];
        column += cell.colSpan || 1;
      }
    }
  }
  table.classList.add("cards");
}
