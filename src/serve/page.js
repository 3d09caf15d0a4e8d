(function () {
  "use strict";
  var form = document.getElementById("upload");
  var drop = document.getElementById("drop");
  var dropped = [];
  var statusLine = document.getElementById("status");
  var bar = document.getElementById("progress");
  function say(text, bad) { statusLine.textContent = text; statusLine.className = bad ? "error" : ""; }
  drop.addEventListener("dragover", function (e) { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", function () { drop.classList.remove("over"); });
  // A dropped folder arrives as an entry to walk; its files are read one by one.
  function walk(entry, out) {
    return new Promise(function (done) {
      if (entry.isFile) {
        entry.file(function (f) { out.push(f); done(); }, function () { done(); });
      } else if (entry.isDirectory) {
        var reader = entry.createReader();
        var children = [];
        var more = function () {
          reader.readEntries(function (batch) {
            if (batch.length) { children = children.concat(Array.prototype.slice.call(batch)); more(); }
            else { Promise.all(children.map(function (c) { return walk(c, out); })).then(done); }
          }, function () { done(); });
        };
        more();
      } else { done(); }
    });
  }
  drop.addEventListener("drop", function (e) {
    e.preventDefault();
    drop.classList.remove("over");
    var entries = Array.prototype.slice.call(e.dataTransfer.items || [])
      .map(function (item) { return item.webkitGetAsEntry ? item.webkitGetAsEntry() : null; })
      .filter(function (entry) { return entry; });
    var files = Array.prototype.slice.call(e.dataTransfer.files);
    var out = [];
    var ready = function (list) { dropped = list; say(list.length + " file(s) ready; press Analyze."); };
    if (entries.length) { Promise.all(entries.map(function (en) { return walk(en, out); })).then(function () { ready(out); }); }
    else { ready(files); }
  });
  function show(result) {
    ["inputs", "exchanges", "unauthorized", "resolved_later"].forEach(function (k) {
      document.getElementById("r-" + k.replace("_", "-")).textContent = String(result.summary[k]);
    });
    var base = "/report/" + encodeURIComponent(result.id);
    document.getElementById("open-report").href = base;
    ["json", "csv", "md", "html"].forEach(function (k) { document.getElementById("get-" + k).href = base + "/" + k; });
    var list = document.getElementById("sanitized");
    list.textContent = "";
    (result.sanitized || []).forEach(function (name, i) {
      var link = document.createElement("a");
      link.href = base + "/sanitized/" + (i + 1);
      link.textContent = "Download sanitized copy of " + name.replace(/^sanitized-/, "");
      var item = document.createElement("li");
      item.appendChild(link);
      list.appendChild(item);
    });
    document.getElementById("result").hidden = false;
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var data = new FormData();
    var files = Array.prototype.slice.call(document.getElementById("files").files)
      .concat(Array.prototype.slice.call(document.getElementById("folder").files), dropped);
    files.forEach(function (f) { data.append("files", f, f.name); });
    data.append("ticket", document.getElementById("ticket").value);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/analyze");
    xhr.setRequestHeader("X-Requested-With", "why401");
    bar.hidden = false; bar.value = 0;
    xhr.upload.onprogress = function (p) { if (p.lengthComputable) { bar.value = p.loaded / p.total; say("Uploading… " + Math.round(100 * p.loaded / p.total) + "%"); } };
    xhr.upload.onload = function () { say("Analyzing…"); };
    xhr.onload = function () {
      bar.hidden = true;
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
      if (xhr.status === 200 && body) { say("Done."); show(body); }
      else { say((body && body.error) || ("The server answered " + xhr.status), true); }
    };
    xhr.onerror = function () { bar.hidden = true; say("The upload failed (too large, or the server stopped).", true); };
    xhr.send(data);
  });
})();
