// The import job's progress bar (celery-progress): polls the job's progress URL and reloads the page when the
// check or the write has ended (the page then shows its outcome). No inline script: CSP allows 'self' only.
(function () {
  const section = document.getElementById("import-progress");
  if (!section || typeof CeleryProgressBar === "undefined") return;
  const track = document.getElementById("progress-track");
  const reload = () => window.setTimeout(() => window.location.reload(), 300);
  CeleryProgressBar.initProgressBar(section.dataset.progressUrl, {
    pollInterval: 500,
    onProgress: (bar, message, progress) => {
      const percent = Math.max(0, Math.min(100, Number(progress.percent) || 0));
      bar.style.width = percent + "%";
      track.setAttribute("aria-valuenow", String(Math.round(percent)));
      if (progress.total && progress.current) {
        message.textContent = section.dataset.progressText
          .replace("{current}", progress.current).replace("{total}", progress.total);
      }
    },
    onSuccess: reload,
    onError: reload,
    onTaskError: reload,
  });
})();
