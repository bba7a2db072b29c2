// A category's question (templates/grid_woodpecker/question_form.html): its choices matter only for a one-choice or
// several-choice question, so they are shown for one and hidden otherwise. Without this script they are always
// shown, and the server ignores them for the other types. Rows with an error message are never hidden.
(() => {
  const select = document.getElementById("id_datatype");
  const box = document.getElementById("choices");
  if (!select || !box) return;
  const lists = (box.dataset.lists || "").split(" ");
  const update = () => {
    box.hidden = !lists.includes(select.value) && !box.querySelector(".field-error");
  };
  select.addEventListener("change", update);
  update();
})();
