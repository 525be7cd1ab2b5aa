/* Live replies: join the thread's room and insert each new post, fetched with the reader's rights.
   The Socket.IO client is loaded here once the page is usable, and only where the thread's newest
   posts are shown (a thread's earlier pages do not go live). */
(function () {
  "use strict";
  var list = document.getElementById("posts");
  if (!list) { return; }

  // A link written before threads had pages (#post-N on the first page): go to the post's page.
  var wanted = /^#post-(\d+)$/.exec(window.location.hash);
  var go = list.getAttribute("data-go");
  if (wanted && go && !document.getElementById("post-" + wanted[1]) && list.getAttribute("data-later")) {
    window.location.replace(go + wanted[1] + (list.getAttribute("data-go-end") || ""));
    return;
  }
  if (list.getAttribute("data-later")) { return; }

  function start() {
    if (typeof window.io === "function") { goLive(); return; }
    var script = document.createElement("script");
    script.src = list.getAttribute("data-socket");
    script.onload = goLive;
    document.head.appendChild(script);
  }
  if (document.readyState === "complete") { start(); } else { window.addEventListener("load", start); }

  function goLive() {
    if (typeof window.io !== "function") { return; }
    var threadId = parseInt(list.getAttribute("data-thread"), 10);
    var live = document.getElementById("posts-live");
    var socket = window.io("/forums", { transports: ["websocket", "polling"] });

    // The newest post shown: the server sends what came after it (on reconnection, what was missed).
    function newestShown() {
      var newest = 0;
      Array.prototype.forEach.call(list.querySelectorAll("li.post[id^='post-']"), function (item) {
        newest = Math.max(newest, parseInt(item.id.slice(5), 10) || 0);
      });
      return newest;
    }

    function offerReload() {
      if (document.getElementById("posts-reload")) { return; }
      var notice = document.createElement("p");
      notice.id = "posts-reload";
      notice.className = "live-notice";
      var link = document.createElement("a");
      link.href = window.location.pathname + window.location.search;
      link.textContent = list.getAttribute("data-reload") || "New replies: reload";
      notice.appendChild(link);
      list.parentNode.insertBefore(notice, list.nextSibling);
    }

    function insert(data) {
      if (!data || data.thread !== threadId || document.getElementById("post-" + data.post)) { return; }
      fetch(data.url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          if (!html || document.getElementById("post-" + data.post)) { return; }
          var holder = document.createElement("ol");
          holder.innerHTML = html;
          var item = holder.querySelector("li.post");
          if (!item) { return; }
          // Keep the order by id: a missed post may arrive after a newer live one.
          var next = null;
          Array.prototype.some.call(list.querySelectorAll("li.post[id^='post-']"), function (other) {
            if ((parseInt(other.id.slice(5), 10) || 0) > data.post) { next = other; return true; }
            return false;
          });
          list.insertBefore(item, next);
          if (live) {
            var author = item.querySelector("header strong");
            live.textContent = (list.getAttribute("data-new") || "New reply") + (author ? ": " + author.textContent : "");
          }
        });
    }

    // data-live tells that new replies will now appear by themselves (and lets tests wait for it).
    function join() {
      socket.emit("join", { thread: threadId, after: newestShown() }, function (ack) {
        if (!ack || !ack.ok) { return; }
        (ack.missed || []).forEach(insert);
        if (ack.more) { offerReload(); }
        list.setAttribute("data-live", "on");
      });
    }
    socket.on("disconnect", function () { list.removeAttribute("data-live"); });
    socket.on("connect", join);
    socket.on("post", insert);
  }
})();
