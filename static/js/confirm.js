// A form with data-confirm asks before it is sent (the text comes from the action's declaration on the server).
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
