/* Live replies: join the thread's room and insert each new post, fetched with the reader's rights. */
(function () {
  "use strict";
  var list = document.getElementById("posts");
  if (!list || typeof window.io !== "function") { return; }
  var threadId = parseInt(list.getAttribute("data-thread"), 10);
  var live = document.getElementById("posts-live");
  var socket = window.io("/forums", { transports: ["websocket", "polling"] });

  // data-live tells that new replies will now appear by themselves (and lets tests wait for it).
  function join() {
    socket.emit("join", { thread: threadId }, function (ack) {
      if (ack && ack.ok) { list.setAttribute("data-live", "on"); }
    });
  }
  socket.on("disconnect", function () { list.removeAttribute("data-live"); });
  socket.on("connect", join);

  socket.on("post", function (data) {
    if (!data || data.thread !== threadId || document.getElementById("post-" + data.post)) { return; }
    fetch(data.url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (!html || document.getElementById("post-" + data.post)) { return; }
        var holder = document.createElement("ol");
        holder.innerHTML = html;
        var item = holder.querySelector("li.post");
        if (!item) { return; }
        list.appendChild(item);
        if (live) {
          var author = item.querySelector("header strong");
          live.textContent = (list.getAttribute("data-new") || "New reply") + (author ? ": " + author.textContent : "");
        }
      });
  });
})();
