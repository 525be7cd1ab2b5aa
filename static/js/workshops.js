/* The live workshop room: applies numbered room events in order, catches up after a dropped
   connection, and sends what was typed offline once the connection is back (each message once:
   its client-generated id makes the server store it a single time).
   Without this script the room page works with ordinary form posts and a refresh link. */
(function () {
  "use strict";
  var root = document.getElementById("room");
  if (!root || typeof window.io !== "function" || root.dataset.status === "ended") { return; }

  var T = JSON.parse(root.dataset.strings);
  var workshopId = Number(root.dataset.workshopId);
  var me = Number(root.dataset.userId);
  var facilitator = root.dataset.facilitator === "true";
  var canRedact = root.dataset.canRedact === "true";
  var lastSeq = Number(root.dataset.lastSeq);
  var pending = {};          // events that arrived ahead of a gap, by sequence number
  var gapTimer = null;
  var joined = false;
  var removed = false;
  var outbox = [];           // chat messages not yet acknowledged by the server
  var status = document.getElementById("connection");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "class") { node.className = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function byId(id) { return document.getElementById(id); }

  function setStatus(text, offline) {
    status.textContent = text;
    status.classList.toggle("offline", !!offline);
  }

  function clientId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  // A form the script sends through the socket (which carries the session). Removing identifying
  // details stays possible after the session ends, when the socket is closed: those forms are also
  // complete ordinary posts (data-native), as the server renders them.
  function actionForm(action, fields, label, cls) {
    var native = action === "redact_message" || action === "redact_question";
    var form = el("form", {"data-action": action, "class": "inline", method: "post",
      action: native ? root.dataset.formUrl.replace("ACTION", action) : ""});
    if (native) {
      form.setAttribute("data-native", "");
      form.appendChild(el("input", {type: "hidden", name: "csrf_token", value: root.dataset.csrf}));
    }
    Object.keys(fields).forEach(function (name) {
      form.appendChild(el("input", {type: "hidden", name: name, value: String(fields[name])}));
    });
    form.appendChild(el("button", {type: "submit", "class": cls || ""}, label));
    return form;
  }

  function showError(form, message) {
    var note = form.querySelector(".room-error");
    if (!note) { note = el("p", {"class": "room-error", role: "alert"}); form.appendChild(note); }
    note.textContent = message || "";
    note.hidden = !message;
  }

  /* --- safeguarding ---------------------------------------------------------------------- */

  // The text with each passage that may identify a child marked, and its reason said.
  function highlighted(text, passages) {
    var node = el("p", {"class": "identifying-text"});
    var position = 0;
    passages.slice().sort(function (a, b) { return a.start - b.start; }).forEach(function (p) {
      if (p.start < position || p.end > text.length) { return; }
      node.appendChild(document.createTextNode(text.slice(position, p.start)));
      node.appendChild(el("mark", {"class": "identifying"}, text.slice(p.start, p.end)));
      node.appendChild(el("span", {"class": "identifying-reason"}, " (" + p.reason + ")"));
      position = p.end;
    });
    node.appendChild(document.createTextNode(text.slice(position)));
    return node;
  }

  function clearSafeguarding(form) {
    var box = form.querySelector(".safeguarding");
    if (box) { box.remove(); }
  }

  /* Refused because it may identify a child (ack code 422 with `safeguarding`): nothing was sent.
     The same choices as the forms without JavaScript, as buttons of the same form: the submit
     handler sends the text again with `safeguarding` = redact or publish (and the justification). */
  function showSafeguarding(form, ack) {
    clearSafeguarding(form);
    showError(form, "");
    var box = el("section", {"class": "warnings safeguarding", role: "alert"});
    box.appendChild(el("h3", {}, T.sg_title));
    box.appendChild(el("p", {}, ack.error));
    (ack.safeguarding || []).forEach(function (field) { box.appendChild(highlighted(field.text, field.passages)); });
    box.appendChild(el("p", {}, T.sg_nothing_sent));
    var choices = el("ol", {"class": "safeguarding-choices"});
    var redact = el("li");
    redact.appendChild(el("button", {type: "submit", name: "safeguarding", value: "redact", "class": "primary"}, T.sg_redact));
    choices.appendChild(redact);
    choices.appendChild(el("li", {}, T.sg_edit));
    if (ack.can_hold) {
      var hold = el("li");
      var details = el("details");
      details.appendChild(el("summary", {}, T.sg_hold));
      var id = "sg-why-" + (form.dataset.action || "text");
      details.appendChild(el("label", {"for": id}, T.sg_why));
      details.appendChild(el("textarea", {id: id, name: "safeguarding_justification", rows: 3, maxlength: 2000}));
      details.appendChild(el("button", {type: "submit", name: "safeguarding", value: "publish"}, T.sg_send_held));
      hold.appendChild(details);
      choices.appendChild(hold);
    }
    box.appendChild(choices);
    form.insertBefore(box, form.firstChild);
  }

  /* --- applying events in order ------------------------------------------------------- */

  function receive(event) {
    if (event.seq <= lastSeq) { return; }
    pending[event.seq] = event;
    while (pending[lastSeq + 1]) {
      var next = pending[lastSeq + 1];
      delete pending[lastSeq + 1];
      lastSeq += 1;
      apply(next);
    }
    root.dataset.seq = lastSeq;
    if (Object.keys(pending).length && !gapTimer) {
      // An event is missing (two processes emitted out of order): ask for it after a moment.
      gapTimer = setTimeout(function () {
        gapTimer = null;
        if (joined) { socket.emit("resume", {last_seq: lastSeq}, catchUp); }
      }, 800);
    }
  }

  function catchUp(ack) {
    if (ack && ack.ok) { ack.events.forEach(receive); }
  }

  var handlers = {
    "presence.joined": renderPresence,
    "presence.left": renderPresence,
    "chat.message": addChat,
    "chat.removed": function (d) {
      var item = document.querySelector("#chat-list li[data-id='" + d.id + "']");
      if (item) { markRemoved(item); }
    },
    // A facilitator removed identifying details: the text is replaced (or shown, if it was held).
    "chat.redacted": function (d) {
      var item = document.querySelector("#chat-list li[data-id='" + d.id + "']");
      if (!item) { addChat(d); return; }
      if (!item.classList.contains("removed")) { item.querySelector(".body").textContent = d.body; }
      setHeld(item, false);
    },
    // Someone else's held message or question: its number only, nothing to show.
    "held": function () {},
    "chat.locked": function (d) {
      var notice = byId("chat-locked");
      if (notice) { notice.hidden = !d.locked; }
      var form = document.querySelector("form[data-action='lock_chat']");
      if (form) {
        form.querySelector("input[name=locked]").value = d.locked ? "0" : "1";
        form.querySelector("button").textContent = d.locked ? T.unlock_chat : T.lock_chat;
      }
    },
    "question.asked": addQuestion,
    "question.redacted": function (d) {
      var item = questionItem(d.id);
      if (!item) { addQuestion(d); return; }
      item.querySelector(".body").textContent = d.body;
      setHeld(item, false);
    },
    "question.voted": function (d) {
      var item = questionItem(d.id);
      if (item) { item.dataset.votes = d.votes; item.querySelector(".count").textContent = d.votes; sortQuestions(); }
    },
    "question.marked": markQuestion,
    "poll.opened": addPoll,
    "poll.voted": updatePoll,
    "poll.closed": function (d) { updatePoll(d); closePoll(d.id); },
    "hand.raised": function (d) {
      var list = byId("hand-list");
      if (!list) { return; }
      var item = el("li", {"data-user": d.person.id}, d.person.name + " ");
      if (facilitator && d.person.id !== me) { item.appendChild(actionForm("lower_hand", {user_id: d.person.id}, T.lower, "link")); }
      list.appendChild(item);
      if (d.person.id === me) { setHandButton(true); }
    },
    "hand.lowered": function (d) {
      var item = document.querySelector("#hand-list li[data-user='" + d.user_id + "']");
      if (item) { item.remove(); }
      if (d.user_id === me) { setHandButton(false); }
    },
    "notes.updated": updateNotes,
    "session.started": function () { window.location.reload(); },
    "session.ended": function (d) { endRoom(d.minutes_url); },
    "participant.removed": function (d) {
      if (d.user_id === me) { leaveRemoved(); }
    }
  };

  /* The facilitator ended the session (live, or in the events caught up after a reconnection):
     the page becomes what the server renders for an ended room. No live badge, presence, hands,
     refresh link, video-call link or composer; the notice with the minutes. */
  function endRoom(minutesUrl) {
    root.dataset.status = "ended";
    var badge = byId("room-status");
    badge.textContent = T.ended;
    badge.classList.remove("live");
    var notes = byId("notes-form");
    if (notes) {
      var view = el("div", {id: "notes-view", "class": "prose"});
      view.appendChild(el("p", {"class": notesBase ? "kept" : ""}, notesBase || T.no_notes));
      notes.replaceWith(view);
    }
    root.querySelectorAll("[data-until-ended], #notes .stale").forEach(function (node) { node.remove(); });
    // What the script drives goes; the server's redaction forms stay, sent as ordinary posts.
    root.querySelectorAll("form[data-action]:not([data-native])").forEach(function (form) { form.remove(); });
    root.querySelector(".room-grid").classList.add("ended");
    var ended = byId("room-ended");
    if (minutesUrl) { byId("minutes-link").href = minutesUrl; }
    ended.hidden = false;
    socket.disconnect();
  }

  function apply(event) {
    var handler = handlers[event.kind];
    if (handler) { handler(event.data, event); }
  }

  /* --- presence ------------------------------------------------------------------------- */

  function presenceItem(person) {
    var item = el("li", {"data-user": person.id}, person.name + " ");
    if (facilitator && person.id !== me && root.dataset.status === "live") {
      var actions = el("span", {"class": "item-actions"});
      actions.appendChild(actionForm("remove_participant", {user_id: person.id}, T.remove_participant, "link"));
      item.appendChild(actions);
    }
    return item;
  }

  function renderPresence(d, event) {
    var list = byId("presence-list");
    if (!list) { return; }
    var item = list.querySelector("li[data-user='" + d.person.id + "']");
    if (event.kind === "presence.left") {
      if (item) { item.remove(); }
    } else if (!item) {
      item = presenceItem(d.person);
      var after = Array.prototype.find.call(list.children, function (other) {
        return other.textContent.localeCompare(d.person.name) > 0;
      });
      list.insertBefore(item, after || null);
    }
    byId("presence-count").textContent = list.children.length;
  }

  function leaveRemoved() {
    removed = true;
    setStatus(T.removed_self, true);
    root.querySelectorAll("form[data-action]").forEach(function (f) { f.remove(); });
    socket.disconnect();
  }

  /* --- chat ----------------------------------------------------------------------------- */

  function markRemoved(item) {
    item.classList.add("removed");
    item.querySelector(".body").textContent = T.removed;
    item.querySelectorAll("form").forEach(function (form) { form.remove(); });
  }

  // "Held for review": shown to its author, the facilitators and the moderators only.
  function setHeld(item, held) {
    item.classList.toggle("held", !!held);
    var tag = item.querySelector(".held-tag");
    if (held && !tag) {
      item.querySelector(".body").after(document.createTextNode(" "), el("span", {"class": "tag warn held-tag"}, T.held));
    } else if (!held && tag) {
      tag.remove();
    }
  }

  function addChat(d) {
    var list = byId("chat-list");
    if (d.client_id) {
      var waiting = list.querySelector("li.pending[data-client-id='" + CSS.escape(d.client_id) + "']");
      if (waiting) { waiting.remove(); }
    }
    if (list.querySelector("li[data-id='" + d.id + "']")) { return; }
    var item = el("li", {"data-id": d.id});
    item.appendChild(el("strong", {}, d.author.name));
    item.appendChild(document.createTextNode(" "));
    item.appendChild(el("span", {"class": "body"}, d.body));
    // At the end of the line, as the server renders them.
    if (facilitator || canRedact) {
      var actions = el("span", {"class": "item-actions"});
      if (facilitator) { actions.appendChild(actionForm("remove_message", {message_id: d.id}, T.remove, "link")); }
      if (canRedact) { actions.appendChild(actionForm("redact_message", {message_id: d.id}, T.redact_details, "link")); }
      item.appendChild(document.createTextNode(" "));
      item.appendChild(actions);
    }
    setHeld(item, d.held);
    if (d.removed) { markRemoved(item); }
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
  }

  function queueChat(form, body, decision) {
    var message = {body: body, client_id: clientId()};
    if (decision && decision.safeguarding) {
      message.safeguarding = decision.safeguarding;
      message.justification = decision.justification || "";
    }
    outbox.push(message);
    var item = el("li", {"class": "pending", "data-client-id": message.client_id});
    item.appendChild(el("span", {"class": "body"}, body));
    if (!joined) { item.appendChild(el("span", {"class": "meta"}, " — " + T.offline_queued)); }
    byId("chat-list").appendChild(item);
    flushOutbox(form);
  }

  function flushOutbox(form) {
    if (!joined) { return; }
    outbox.forEach(function (message) {
      if (message.inflight) { return; }
      message.inflight = true;
      var payload = {body: message.body, client_id: message.client_id};
      if (message.safeguarding) {
        payload.safeguarding = message.safeguarding;
        payload.justification = message.justification;
      }
      socket.emit("chat", payload, function (ack) {
        message.inflight = false;
        if (ack && ack.ok) {
          outbox = outbox.filter(function (m) { return m !== message; });
          var sentFrom = form || document.querySelector("form[data-action='chat']");
          if (sentFrom) { clearSafeguarding(sentFrom); }
          return;
        }
        if (ack && ack.code) {
          // Refused for good (rate limit, lock, size): say so and give the text back.
          outbox = outbox.filter(function (m) { return m !== message; });
          var item = byId("chat-list").querySelector("li.pending[data-client-id='" + CSS.escape(message.client_id) + "']");
          if (item) { item.remove(); }
          var chatForm = form || document.querySelector("form[data-action='chat']");
          if (chatForm) {
            if (ack.safeguarding) { showSafeguarding(chatForm, ack); } else { showError(chatForm, ack.error); }
            var input = chatForm.querySelector("[name=body]");
            if (input && !input.value) { input.value = message.body; }
          }
        }
      });
    });
  }

  /* --- questions ------------------------------------------------------------------------ */

  function questionItem(id) { return document.querySelector("#question-list li[data-id='" + id + "']"); }

  function sortQuestions() {
    var list = byId("question-list");
    var items = Array.prototype.slice.call(list.children);
    items.sort(function (a, b) {
      return (Number(b.dataset.votes) - Number(a.dataset.votes)) || (Number(a.dataset.id) - Number(b.dataset.id));
    });
    items.forEach(function (item) { list.appendChild(item); });
  }

  function addQuestion(d) {
    if (questionItem(d.id)) { return; }
    var none = byId("no-questions");
    if (none) { none.remove(); }
    var item = el("li", {"data-id": d.id, "data-votes": d.votes});
    var votes = el("span", {"class": "votes"});
    votes.appendChild(el("span", {"class": "count"}, d.votes));
    votes.appendChild(el("span", {"class": "visually-hidden"}, " " + T.votes_label));
    item.appendChild(votes);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(el("span", {"class": "body"}, d.body));
    item.appendChild(el("span", {"class": "meta"}, " — " + d.author.name));
    item.appendChild(el("span", {"class": "badges"}));
    // Nobody up-votes their own question (the server refuses it too).
    if (d.author.id !== me) { item.appendChild(actionForm("vote_question", {question_id: d.id}, T.upvote, "vote")); }
    if (facilitator || canRedact) {
      var actions = el("span", {"class": "item-actions"});
      if (facilitator) {
        actions.appendChild(actionForm("mark_question", {question_id: d.id, answered: "1"}, T.mark_answered, "link"));
        actions.appendChild(actionForm("mark_question", {question_id: d.id, highlighted: "1"}, T.highlight, "link"));
      }
      if (canRedact) { actions.appendChild(actionForm("redact_question", {question_id: d.id}, T.redact_details, "link")); }
      item.appendChild(actions);
    }
    setHeld(item, d.held);
    byId("question-list").appendChild(item);
    sortQuestions();
  }

  function markQuestion(d) {
    var item = questionItem(d.id);
    if (!item) { return; }
    item.classList.toggle("answered", d.answered);
    item.classList.toggle("highlighted", d.highlighted);
    var badges = item.querySelector(".badges");
    badges.textContent = "";
    if (d.answered) { badges.appendChild(el("span", {"class": "tag"}, T.answered)); }
    if (d.highlighted) { badges.appendChild(el("span", {"class": "tag warn"}, T.highlighted)); }
    item.querySelectorAll("form[data-action='mark_question']").forEach(function (form) {
      var answered = form.querySelector("input[name=answered]");
      var highlighted = form.querySelector("input[name=highlighted]");
      if (answered) {
        answered.value = d.answered ? "0" : "1";
        form.querySelector("button").textContent = d.answered ? T.mark_unanswered : T.mark_answered;
      }
      if (highlighted) {
        highlighted.value = d.highlighted ? "0" : "1";
        form.querySelector("button").textContent = d.highlighted ? T.unhighlight : T.highlight;
      }
    });
  }

  /* --- polls ---------------------------------------------------------------------------- */

  function pollBox(id) { return document.querySelector("#poll-list .poll[data-id='" + id + "']"); }

  function addPoll(d) {
    if (pollBox(d.id)) { return; }
    var none = byId("no-polls");
    if (none) { none.remove(); }
    var box = el("div", {"class": "poll", "data-id": d.id});
    box.appendChild(el("h3", {}, d.question));
    var form = el("form", {"data-action": "vote_poll", method: "post", action: ""});
    form.appendChild(el("input", {type: "hidden", name: "poll_id", value: d.id}));
    var fieldset = el("fieldset");
    fieldset.appendChild(el("legend", {"class": "visually-hidden"}, d.question));
    d.options.forEach(function (option) {
      var row = el("div");
      row.appendChild(el("input", {type: d.multiple ? "checkbox" : "radio", name: "option_ids", value: option.id,
        id: "option-" + option.id}));
      row.appendChild(document.createTextNode(" "));
      row.appendChild(el("label", {"for": "option-" + option.id}, option.label));
      fieldset.appendChild(row);
    });
    form.appendChild(fieldset);
    form.appendChild(el("button", {type: "submit"}, T.vote));
    box.appendChild(form);
    var results = el("ul", {"class": "results plain"});
    d.options.forEach(function (option) {
      var row = el("li", {"data-option": option.id});
      row.appendChild(el("span", {"class": "label"}, option.label));
      row.appendChild(document.createTextNode(" "));
      row.appendChild(el("meter", {min: 0, max: 1, value: 0}));
      row.appendChild(document.createTextNode(" "));
      row.appendChild(el("span", {"class": "count"}, "0"));
      results.appendChild(row);
    });
    box.appendChild(results);
    if (facilitator) { box.appendChild(actionForm("close_poll", {poll_id: d.id}, T.close_poll)); }
    byId("poll-list").insertBefore(box, byId("poll-list").firstChild);
  }

  function updatePoll(d) {
    var box = pollBox(d.id);
    if (!box) { return; }
    var total = 0;
    Object.keys(d.counts).forEach(function (key) { total += d.counts[key]; });
    Object.keys(d.counts).forEach(function (optionId) {
      var row = box.querySelector(".results li[data-option='" + optionId + "']");
      if (!row) { return; }
      row.querySelector(".count").textContent = d.counts[optionId];
      var meter = row.querySelector("meter");
      meter.max = total || 1;
      meter.value = d.counts[optionId];
    });
  }

  function closePoll(id) {
    var box = pollBox(id);
    if (!box) { return; }
    box.querySelectorAll("form").forEach(function (f) { f.remove(); });
    box.querySelector("h3").appendChild(el("span", {"class": "tag"}, T.closed));
  }

  /* --- hands and notes ------------------------------------------------------------------ */

  function setHandButton(raised) {
    var form = byId("hand-form");
    if (!form) { return; }
    form.dataset.action = raised ? "lower_hand" : "raise_hand";
    byId("hand-button").textContent = raised ? T.lower_hand : T.raise_hand;
  }

  var notesBase = null;   // the text the facilitator's editor started from

  function updateNotes(d) {
    var text = byId("notes-text");
    if (text) {
      var version = byId("notes-version");
      if (text.value === notesBase || notesBase === null || text.value === d.notes) {
        // Not being edited here: take the newer text.
        text.value = d.notes;
        notesBase = d.notes;
        version.value = d.version;
      }
      return;
    }
    var view = byId("notes-view");
    if (view) {
      if (d.notes && typeof d.html === "string") {
        // Rendered and sanitised by the server (nh3 allowlist), as on the room page itself.
        view.innerHTML = d.html;
      } else {
        view.textContent = "";
        view.appendChild(el("p", {"class": d.notes ? "kept" : ""}, d.notes || T.no_notes));
      }
    }
  }

  /* --- sending -------------------------------------------------------------------------- */

  function collect(form) {
    var data = {};
    new FormData(form).forEach(function (value, key) {
      if (key === "csrf_token") { return; }
      if (key === "option_ids") { (data.option_ids = data.option_ids || []).push(value); return; }
      data[key] = value;
    });
    if (typeof data.options === "string") { data.options = data.options.split("\n"); }
    return data;
  }

  root.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-action]");
    // Once the session has ended the socket is closed: what is left (redaction) is an ordinary post.
    if (!form || root.dataset.status === "ended") { return; }
    event.preventDefault();
    if (removed) { return; }
    var action = form.dataset.action;
    var data = collect(form);
    // A safeguarding warning's button: the sender's choice travels with the text.
    var submitter = event.submitter;
    if (submitter && submitter.name === "safeguarding") { data.safeguarding = submitter.value; }
    showError(form, "");
    if (action === "chat") {
      var input = form.querySelector("[name=body]");
      var body = input.value.trim();
      if (!body) { return; }
      input.value = "";
      queueChat(form, body, {safeguarding: data.safeguarding, justification: data.safeguarding_justification});
      return;
    }
    if (!joined) { showError(form, T.reconnecting); return; }
    socket.emit(action, data, function (ack) {
      if (ack && ack.safeguarding) { showSafeguarding(form, ack); return; }
      clearSafeguarding(form);
      if (!ack || ack.ok) {
        if (action === "vote_question") {
          var button = form.querySelector("button");
          button.disabled = true;
          button.textContent = T.voted;
        }
        if (action === "ask" || action === "open_poll") { form.reset(); }
        if (action === "notes") {
          notesBase = data.notes;
          byId("notes-status").textContent = T.notes_saved;
        }
        return;
      }
      if (action === "notes" && ack.code === 409) {
        // Refused as stale: show the newer text to build on, and keep ours beside it.
        var mine = byId("notes-text").value;
        byId("notes-text").value = ack.notes;
        notesBase = ack.notes;
        byId("notes-version").value = ack.version;
        var kept = form.querySelector(".kept") || el("pre", {"class": "kept"});
        kept.textContent = mine;
        form.insertBefore(kept, form.querySelector("button"));
      }
      showError(form, ack.error);
    });
  });

  var notesText = byId("notes-text");
  if (notesText) { notesBase = notesText.value; }

  /* --- the connection ------------------------------------------------------------------- */

  var socket = window.io("/workshops", {
    auth: function (cb) { cb({workshop_id: workshopId}); },
    reconnectionDelayMax: 5000
  });

  socket.on("connect", function () {
    socket.emit("join", {last_seq: lastSeq}, function (ack) {
      if (!ack || !ack.ok) { setStatus(ack ? ack.error : T.reconnecting, true); return; }
      joined = true;
      root.dataset.joined = "true";
      root.classList.remove("is-offline");
      setStatus(T.connected, false);
      ack.events.forEach(receive);
      flushOutbox();
    });
  });

  socket.on("room_event", receive);

  socket.on("disconnect", function (reason) {
    joined = false;
    root.dataset.joined = "false";
    outbox.forEach(function (m) { m.inflight = false; });
    if (removed || root.dataset.status === "ended") { return; }
    root.classList.add("is-offline");
    setStatus(T.reconnecting, true);
    if (reason === "io server disconnect") {
      // The server closed it (a removal, or the session signed out): do not retry blindly.
      setStatus(T.removed_self, true);
    }
  });

  socket.on("connect_error", function () {
    root.classList.add("is-offline");
    setStatus(T.reconnecting, true);
  });

  // data-joined and data-seq on #room tell tests (and the curious) where the connection is.
  window.sociallabRoom = {
    lastSeq: function () { return lastSeq; },
    joined: function () { return joined; },
    socket: socket
  };
}());
