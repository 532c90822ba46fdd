/*
 * SmartChat admin pages: the little that needs a script. Everything works without it, except live updates.
 * - A form that came back with problems moves focus to its list of problems.
 * - A channel's form (Add Channel, Edit settings) checks the credentials as soon as they are entered, and shows the
 *   account they lead to, or why not, beside them (the server checks everything again when the form is sent).
 * - A channel page whose channel is still starting reloads itself until the state settles.
 * - The inbox listens to server-sent events and fetches the conversation list and the open transcript again
 *   when they change; while a reply is queued it asks again every few seconds until it is sent or has failed.
 *   More conversations load at the list's end, older messages when the transcript is scrolled to its top (the
 *   "More conversations" and "Older messages" links do the same without a script, as pages).
 * - When the session has ended (the inbox's requests are sent to sign-in), the page offers to sign in again: the
 *   link is the page itself, which sign-in returns to, so live updates resume there; a reply being written is kept.
 * - Times are shown in the viewer's time zone (the page is written in UTC), the exact time on hover.
 */
(function () {
  'use strict';

  var SHORT = new Intl.DateTimeFormat('en-GB', {day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit',
    hourCycle: 'h23'});
  var LONG = new Intl.DateTimeFormat('en-GB', {day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit',
    minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short'});
  var EXACT = new Intl.DateTimeFormat('en-GB', {dateStyle: 'full', timeStyle: 'long'});

  /* Rewrites each <time datetime> in the viewer's zone, in the form the server chose (its UTC text says which). */
  function localTimes(root) {
    Array.prototype.forEach.call(root.querySelectorAll('time[datetime]'), function (element) {
      var at = new Date(element.getAttribute('datetime'));
      if (isNaN(at.getTime()) || element.hasAttribute('data-local')) {
        return;
      }
      var long = / UTC$/.test(element.textContent.trim());
      element.textContent = (long ? LONG : SHORT).format(at).replace(' at ', ', ');
      element.title = EXACT.format(at);
      element.setAttribute('data-local', '');
    });
  }

  localTimes(document);

  var summary = document.querySelector('[data-error-summary]');
  if (summary) {
    summary.focus();
  }

  /* Shows the inline check's messages as the server renders a field's errors: before its input, tied to it. */
  function showFieldErrors(input, messages) {
    var field = input.closest('[data-field]');
    var name = field.getAttribute('data-field');
    var errorId = input.id + '-error';
    var line = field.querySelector('[data-field-error="' + name + '"]');
    var described = (input.getAttribute('aria-describedby') || '').split(' ').filter(function (id) {
      return id && id !== errorId;
    });
    if (!messages.length) {
      if (line) {
        line.parentNode.removeChild(line);
      }
      field.classList.remove('field-invalid');
      input.removeAttribute('aria-invalid');
    } else {
      if (!line) {
        line = document.createElement('p');
        line.className = 'field-error';
        line.id = errorId;
        line.setAttribute('data-field-error', name);
        input.parentNode.insertBefore(line, input);
      }
      line.textContent = '';
      messages.forEach(function (message) {
        var span = document.createElement('span');
        span.className = 'error-line';
        span.textContent = message;
        line.appendChild(span);
      });
      field.classList.add('field-invalid');
      input.setAttribute('aria-invalid', 'true');
      described.unshift(errorId);
    }
    if (described.length) {
      input.setAttribute('aria-describedby', described.join(' '));
    } else {
      input.removeAttribute('aria-describedby');
    }
  }

  function element(tag, className, text) {
    var made = document.createElement(tag);
    if (className) {
      made.className = className;
    }
    if (text) {
      made.textContent = text;
    }
    return made;
  }

  /* The account the credentials lead to: its name, @username (a link where it has one) and address, warnings. */
  function accountCard(account) {
    var card = element('div', 'identity-inline');
    card.setAttribute('data-preview', '');
    var name = element('p', 'identity-name', account.name);
    name.setAttribute('data-preview-name', '');
    card.appendChild(name);
    if (account.username) {
      var username = element(account.link ? 'a' : 'span', null, '@' + account.username);
      if (account.link) {
        username.href = account.link;
        username.target = '_blank';
        username.rel = 'noopener noreferrer';
      }
      username.setAttribute('data-preview-username', '');
      card.appendChild(element('p')).appendChild(username);
    }
    if (account.link) {
      card.appendChild(element('p', 'muted small', account.link)).setAttribute('data-preview-link', '');
    }
    if (account.warnings && account.warnings.length) {
      var warnings = card.appendChild(element('ul', 'warnings'));
      account.warnings.forEach(function (warning) {
        warnings.appendChild(element('li', null, warning));
      });
    }
    return card;
  }

  function inlineCheck(form) {
    var secrets = Array.prototype.slice.call(form.querySelectorAll('[data-field] input[type=password]'));
    if (!secrets.length) {
      return;
    }
    var last = secrets[secrets.length - 1];
    var result = element('div', 'check-result');
    result.id = last.id + '-check';
    result.setAttribute('aria-live', 'polite');
    result.setAttribute('data-check-result', '');
    last.parentNode.appendChild(result);
    last.setAttribute('aria-describedby', ((last.getAttribute('aria-describedby') || '') + ' ' + result.id).trim());
    var latest = 0;

    /* The list of problems at the top of a form that came back: what the check just answered replaces its lines. */
    function forgetSummaryLines(input) {
      var summary = form.parentNode.querySelector('[data-error-summary]');
      if (!summary) {
        return;
      }
      Array.prototype.forEach.call(summary.querySelectorAll('a[href="#' + input.id + '"]'), function (link) {
        link.parentNode.parentNode.removeChild(link.parentNode);
      });
      var left = summary.querySelectorAll('li').length;
      if (!left) {
        summary.parentNode.removeChild(summary);
      } else {
        summary.querySelector('h2').textContent = left === 1 ? 'There is a problem' : 'There are ' + left + ' problems';
      }
    }

    function show(answer) {
      result.textContent = '';
      secrets.forEach(forgetSummaryLines);
      var refused = false;
      secrets.forEach(function (input) {
        var messages = answer.fieldErrors[input.closest('[data-field]').getAttribute('data-field')] || [];
        refused = refused || messages.length > 0;
        showFieldErrors(input, messages);
      });
      answer.generalErrors.forEach(function (message) {
        result.appendChild(element('p', 'field-error', message));
      });
      if (answer.account) {
        result.appendChild(accountCard(answer.account));
      } else if (!refused && !answer.generalErrors.length) {
        result.appendChild(element('p', 'muted small', Object.keys(answer.fieldErrors).length
          ? 'Checked with the network once the other required fields are filled in.' : 'Accepted.'));
      }
    }

    /*
     * Pressing a button right after typing a credential leaves the field, which starts the check: what the check
     * shows would move the button away between press and release, and the click would be lost. So while a button
     * is held down the form does not change; it shows what came meanwhile once the click is over.
     */
    var held = false;
    var waiting = null;
    form.addEventListener('pointerdown', function (event) {
      held = !!event.target.closest('button');
    });
    function release() {
      if (!held) {
        return;
      }
      held = false;
      window.setTimeout(function () { // after the click this release makes
        if (waiting) {
          var update = waiting;
          waiting = null;
          update();
        }
      }, 0);
    }
    document.addEventListener('pointerup', release);
    document.addEventListener('pointercancel', release);

    function render(update) {
      if (held) {
        waiting = update;
      } else {
        update();
      }
    }

    function check() {
      var mine = ++latest;
      render(function () { result.textContent = 'Checking…'; });
      window.fetch(form.getAttribute('data-check'), {
        method: 'POST', body: new URLSearchParams(new FormData(form)), credentials: 'same-origin', redirect: 'error',
        headers: { 'Accept': 'application/json' }
      })
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          if (mine === latest) {
            render(function () { show(answer); });
          }
        })
        .catch(function () {
          if (mine === latest) {
            render(function () { result.textContent = 'Could not check now: the form checks again when you send it.'; });
          }
        });
    }

    secrets.forEach(function (input) {
      input.addEventListener('change', function () {
        if (input.value) {
          check();
        }
      });
    });
  }

  var checkedForm = document.querySelector('form[data-check]');
  if (checkedForm) {
    inlineCheck(checkedForm);
  }

  var settling = document.querySelector('[data-reload-while-settling]');
  if (settling) {
    var delay = parseInt(settling.getAttribute('data-reload-while-settling'), 10) || 1500;
    window.setTimeout(function () { window.location.reload(); }, delay);
  }

  var inbox = document.querySelector('[data-inbox]');
  if (!inbox) {
    return;
  }
  var listUrl = inbox.getAttribute('data-list');
  var transcriptUrl = inbox.getAttribute('data-transcript');
  var statusLine = document.querySelector('[data-live-status]');
  var busy = false;
  var again = false;
  var stopped = false;
  var pollTimer = null;

  function setStatus(text) {
    if (statusLine && statusLine.textContent !== text) {
      statusLine.textContent = text;
    }
  }

  function fetchHtml(url) {
    return window.fetch(url, { credentials: 'same-origin', redirect: 'error', headers: { 'Accept': 'text/html' } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.text();
      });
  }

  function parse(html) {
    var template = document.createElement('template');
    template.innerHTML = html;
    localTimes(template.content);
    return template.content.firstElementChild;
  }

  function conversationList() {
    return document.getElementById('conversation-list');
  }

  function loadedConversations() {
    var list = conversationList();
    return list ? list.querySelectorAll('[data-conversation]').length : 0;
  }

  /* The list as loaded so far (at least its first page), to fetch again when something changed. */
  function refreshListUrl() {
    return listUrl + (listUrl.indexOf('?') < 0 ? '?' : '&') + 'limit=' + Math.min(Math.max(loadedConversations(), 50), 500);
  }

  var loadingMore = false;

  /* Appends the next page of conversations to the list. */
  function loadMore(link) {
    if (loadingMore || stopped) {
      return;
    }
    loadingMore = true;
    fetchHtml(link.getAttribute('data-next'))
      .then(function (html) {
        var fresh = parse(html);
        var list = conversationList();
        var more = link.closest('.more');
        if (!list || !fresh || !more || !list.contains(more)) {
          return; // the list was replaced meanwhile
        }
        var items = fresh.querySelectorAll('[data-conversation]');
        var ul = list.querySelector('ul.conversations');
        if (items.length && !ul) {
          ul = document.createElement('ul');
          ul.className = 'conversations';
          list.insertBefore(ul, more);
        }
        Array.prototype.forEach.call(items, function (item) {
          if (!list.querySelector('[data-conversation="' + item.getAttribute('data-conversation') + '"]')) {
            ul.appendChild(item);
          }
        });
        var noMatch = list.querySelector('[data-no-match]');
        var freshNoMatch = fresh.querySelector('[data-no-match]');
        var freshMore = fresh.querySelector('.more');
        if (noMatch && items.length) {
          noMatch.parentNode.removeChild(noMatch);
        } else if (noMatch && freshNoMatch) {
          // still nothing found: the last window's answer says so for good ("No conversations match.")
          noMatch.textContent = freshNoMatch.textContent;
        }
        if (freshMore) {
          more.parentNode.replaceChild(freshMore, more);
        } else {
          more.parentNode.removeChild(more);
        }
      })
      .catch(function () { liveStopped(); })
      .then(function () {
        loadingMore = false;
        watchMore();
      });
  }

  var moreObserver = window.IntersectionObserver ? new window.IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        loadMore(entry.target);
      }
    });
  }) : null;

  /* Loads the next page when the list's end comes into view. */
  function watchMore() {
    if (!moreObserver) {
      return;
    }
    moreObserver.disconnect();
    var link = document.querySelector('#conversation-list [data-more]');
    if (link) {
      moreObserver.observe(link);
    }
  }

  var loadingOlder = false;

  /* Puts the messages before the first one shown above it, keeping what the reader sees in place. */
  function loadOlder() {
    var log = transcript();
    var link = log && log.querySelector('[data-older]');
    if (!link || loadingOlder || stopped) {
      return;
    }
    loadingOlder = true;
    fetchHtml(link.getAttribute('data-older'))
      .then(function (html) {
        var fresh = parse(html);
        var current = transcript();
        if (!fresh || current !== log) {
          return;
        }
        var height = log.scrollHeight;
        var top = log.scrollTop;
        var olderItem = link.closest('li');
        var first = olderItem.nextSibling;
        log.removeChild(olderItem);
        Array.prototype.slice.call(fresh.children).forEach(function (item) {
          var id = item.getAttribute('data-message');
          if (!id || !log.querySelector('[data-message="' + id + '"]')) {
            log.insertBefore(item, first);
          }
        });
        log.scrollTop = top + log.scrollHeight - height;
      })
      .catch(function () { liveStopped(); })
      .then(function () { loadingOlder = false; });
  }

  function transcript() {
    return document.getElementById('transcript');
  }

  function scrollToEnd() {
    var log = transcript();
    if (log) {
      log.scrollTop = log.scrollHeight;
    }
  }

  /* Adds new messages and updates changed ones in place, so that screen readers announce only what is new. */
  function mergeTranscript(fresh) {
    var current = transcript();
    if (!current || !fresh) {
      return;
    }
    var nearEnd = current.scrollHeight - current.scrollTop - current.clientHeight < 80;
    Array.prototype.slice.call(fresh.children).forEach(function (item) {
      var id = item.getAttribute('data-message');
      if (!id) {
        return; // the link to older messages: this page has its own
      }
      var existing = current.querySelector('[data-message="' + id + '"]');
      if (!existing) {
        current.appendChild(item);
      } else if (existing.outerHTML !== item.outerHTML) {
        current.replaceChild(item, existing);
      }
    });
    if (nearEnd) {
      scrollToEnd();
    }
  }

  /* Replaces the conversation list, keeping keyboard focus on the same conversation. */
  function replaceList(fresh) {
    var list = conversationList();
    if (!list || !fresh || fresh.outerHTML === list.outerHTML) {
      return; // nothing changed: keep the page as it is
    }
    var focused = document.activeElement && list.contains(document.activeElement)
      ? document.activeElement.closest('[data-conversation]') : null;
    var focusedId = focused ? focused.getAttribute('data-conversation') : null;
    list.parentNode.replaceChild(fresh, list);
    if (focusedId) {
      var link = fresh.querySelector('[data-conversation="' + focusedId + '"] a');
      if (link) {
        link.focus();
      }
    }
    watchMore();
  }

  var draftKey = 'smartchat-reply:' + window.location.pathname;

  /* A session that ended: its requests are sent to sign-in. Anything else is a network or server failure. */
  function liveStopped() {
    if (stopped) {
      return;
    }
    stopped = true;
    setStatus('Live updates stopped…');
    window.fetch(listUrl, { credentials: 'same-origin', redirect: 'manual', headers: { 'Accept': 'text/html' } })
      .then(function (response) {
        return response.type === 'opaqueredirect' || response.status === 401 || response.status === 403;
      }, function () { return false; })
      .then(function (signedOut) {
        if (!signedOut) {
          setStatus('Live updates stopped: reload the page.');
          return;
        }
        statusLine.textContent = 'Your session has ended. ';
        var signIn = document.createElement('a');
        // this page: sign-in returns to it, so it can only lead back here
        signIn.href = window.location.pathname + window.location.search;
        signIn.textContent = 'Sign in again';
        signIn.setAttribute('data-sign-in', '');
        signIn.addEventListener('click', function () {
          var reply = document.getElementById('reply-text');
          if (reply && reply.value && window.sessionStorage) {
            window.sessionStorage.setItem(draftKey, reply.value);
          }
        });
        statusLine.appendChild(signIn);
        statusLine.appendChild(document.createTextNode(' to see new messages.'));
        inbox.setAttribute('data-live', 'signed-out');
      });
  }

  function restoreDraft() {
    var reply = document.getElementById('reply-text');
    var draft = window.sessionStorage && window.sessionStorage.getItem(draftKey);
    if (draft) {
      window.sessionStorage.removeItem(draftKey);
      if (reply && !reply.value) {
        reply.value = draft;
      }
    }
  }

  function schedulePoll() {
    var log = transcript();
    if (pollTimer || stopped || !log || !log.querySelector('[data-status="QUEUED"]')) {
      return;
    }
    pollTimer = window.setTimeout(function () {
      pollTimer = null;
      refresh();
    }, 2000);
  }

  function refresh() {
    if (stopped) {
      return;
    }
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    var work = transcriptUrl
      ? fetchHtml(transcriptUrl).then(function (html) { mergeTranscript(parse(html)); })
      : Promise.resolve();
    work
      .then(function () { return fetchHtml(refreshListUrl()); })
      .then(function (html) { replaceList(parse(html)); })
      .catch(function () { liveStopped(); })
      .then(function () {
        busy = false;
        if (again) {
          again = false;
          refresh();
        }
        schedulePoll();
      });
  }

  scrollToEnd();
  schedulePoll();
  restoreDraft();
  watchMore();
  var log = transcript();
  if (log) {
    log.addEventListener('scroll', function () {
      if (log.scrollTop < 60) {
        loadOlder();
      }
    });
    log.addEventListener('click', function (event) {
      if (event.target.closest && event.target.closest('[data-older]')) {
        event.preventDefault();
        loadOlder();
      }
    });
  }
  if (window.EventSource) {
    var source = new window.EventSource(inbox.getAttribute('data-events'));
    source.addEventListener('inbox', refresh);
    source.addEventListener('open', function () {
      setStatus('Live updates on');
      // catch up with what changed between rendering the page (or losing the connection) and listening
      refresh();
      inbox.setAttribute('data-live', 'on');
    });
    source.addEventListener('error', function () {
      if (source.readyState === window.EventSource.CLOSED) {
        liveStopped();
      } else {
        setStatus('Reconnecting…');
      }
    });
  } else {
    setStatus('This browser shows new messages when you reload the page.');
  }
}());
