/*
 * Nimbus runtime: the SCORM 1.2 (window.API) and SCORM 2004 (window.API_1484_11) API instances.
 *
 * Driven by the rule tables the server validates commits with (chalicelib/standards/export.py →
 * /launch/player/rules.json): elements (access, type, vocabulary, range, default, dependency,
 * keywords), data types (regular expressions, lengths), error codes and messages, interaction
 * rules and language codes. The state machine mirrors chalicelib/runtime/scorm12_api.py and
 * scorm2004_api.py call for call (tests/unit/runtime/test_runtime_js.py replays generated call
 * sequences through both and compares every return value and error code).
 *
 * Plain JavaScript, no framework; usable in a browser (window.NimbusRuntime) and in Node.
 * Data changes are handed to hooks (onSet / onCommit / onFinish) that the player batches into
 * commits; every call is reported to onCall for the debug log.
 */
(function (root) {
  'use strict';

  var NOT_INITIALIZED = 'not-initialized', RUNNING = 'running', TERMINATED = 'terminated';
  var KEYWORDS = ['_children', '_count', '_version'];
  var INDEX = /^\d+$/;
  var TARGET = /^(adl\.nav\.request_valid\.(?:choice|jump))\.\{target=([\s\S]*)\}$/;
  var LANG_PREFIX = /^\{lang=([^}]*)\}/;
  var DELIMITER = /^\{(case_matters|order_matters)=([^}]*)\}/;
  var NAV_TARGET = /^\{target=([^}]*)\}(choice|jump)$/;
  var ITEM = '[,]', PAIR = '[.]', RANGE = '[:]';

  function has(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }
  function chars(text) { return Array.from(text).length; }  // code points, like Python's len()

  /** The browser's String(value) for what content passes (numbers, booleans). */
  function asText(value) {
    if (value === undefined || value === null) { return ''; }
    if (value === true) { return 'true'; }
    if (value === false) { return 'false'; }
    return String(value);
  }

  function splitAll(text, sep) { return text.split(sep); }

  function rpartition(text, sep) {
    var at = text.lastIndexOf(sep);
    return at < 0 ? ['', '', text] : [text.slice(0, at), sep, text.slice(at + sep.length)];
  }

  // --- element paths (chalicelib/standards/common/elements.py) -------------------------------
  function parse(text) {
    var target = TARGET.exec(text);
    if (target) { return { text: text, pattern: target[1] + '.{target=ID}', indices: [], target: target[2] }; }
    var parts = text.split('.'), indices = [], pattern = [];
    for (var i = 0; i < parts.length; i++) {
      if (INDEX.test(parts[i])) { indices.push(parseInt(parts[i], 10)); pattern.push('n'); } else { pattern.push(parts[i]); }
    }
    return { text: text, pattern: pattern.join('.'), indices: indices, target: null };
  }

  function arrayPaths(path) {
    var out = [], parts = path.text.split('.');
    for (var i = 1; i < parts.length; i++) {
      if (INDEX.test(parts[i])) { out.push([parts.slice(0, i).join('.'), parseInt(parts[i], 10)]); }
    }
    return out;
  }

  // --- data types (chalicelib/standards/common/datatypes.py) ---------------------------------
  function Types(table, languages) {
    this.types = {};
    for (var name in table) {
      if (has(table, name)) {
        var t = table[name];
        this.types[name] = { re: new RegExp('^(?:' + t.pattern + ')$', 's'), maxLength: t.maxLength, numeric: t.numeric };
      }
    }
    this.languages = languages ? {
      iso639_1: new Set(languages.iso639_1), iso639_2: new Set(languages.iso639_2),
      iso3166_1: new Set(languages.iso3166_1), withdrawn: new Set(languages.withdrawn),
    } : null;
  }

  Types.prototype.matches = function (name, value) { return this.types[name].re.test(value); };

  Types.prototype.checkLanguage = function (value) {
    if (value === '') { return true; }
    if (chars(value) > 250 || !this.matches('language_type', value)) { return false; }
    var subtags = value.toLowerCase().split('-'), primary = subtags.shift(), l = this.languages;
    var known = primary === 'i' || primary === 'x' || l.withdrawn.has(primary);
    if (!known && !(primary.length === 2 ? l.iso639_1 : l.iso639_2).has(primary)) { return false; }
    return !(subtags.length && subtags[0].length === 2 && !l.iso3166_1.has(subtags[0].toUpperCase()));
  };

  function stripLang(value) {
    var m = LANG_PREFIX.exec(value);
    return m ? [m[1], value.slice(m[0].length)] : [null, value];
  }

  Types.prototype.checkLocalized = function (value) {
    var lang = stripLang(value)[0];
    return lang === null || (lang !== '' && this.checkLanguage(lang));
  };

  /** 'ok' | 'type' | 'range' (RTE 2004 3.1.7.6: 406 vs 407). */
  Types.prototype.check = function (name, value, spec) {
    var t = this.types[name], vocabulary = spec.vocabulary || [];
    var wellFormed = (!vocabulary.length || vocabulary.indexOf(value) >= 0) &&
      (t.maxLength === null || t.maxLength === undefined || chars(value) <= t.maxLength) &&
      t.re.test(value) &&
      (name !== 'localized_string_type' || this.checkLocalized(value)) &&
      (name !== 'language_type' || this.checkLanguage(value));
    if (!wellFormed) { return 'type'; }
    if (t.numeric) {
      var n = Number(value);
      if ((spec.minimum !== undefined && spec.minimum !== null && n < spec.minimum) ||
          (spec.maximum !== undefined && spec.maximum !== null && n > spec.maximum)) { return 'range'; }
    }
    return 'ok';
  };

  // --- SCORM 2004 interaction formats (chalicelib/standards/scorm2004/interactions.py) --------
  function Interactions(types, table) {
    var self = this;
    self.types = types;
    self.table = table;
    function shortId(v) { return types.matches('short_identifier_type', v) && chars(v) <= 250; }
    function real(v) { return types.matches('real(10,7)', v); }
    function stripFlags(value, allowed) {
      var seen = {};
      for (;;) {
        var m = DELIMITER.exec(value);
        if (!m || allowed.indexOf(m[1]) < 0) { return [true, value]; }
        if (seen[m[1]] || (m[2] !== 'true' && m[2] !== 'false')) { return [false, value]; }
        seen[m[1]] = true;
        value = value.slice(m[0].length);
      }
    }
    function localized(value, max) {
      var s = stripLang(value);
      if (s[0] !== null && (!s[0] || !types.checkLanguage(s[0]))) { return false; }
      return chars(s[1]) <= max;
    }
    function ids(value, unique) {
      if (value === '') { return true; }
      var items = splitAll(value, ITEM);
      return items.every(shortId) && (!unique || new Set(items).size === items.length);
    }
    function numericRange(value) {
      var at = value.indexOf(RANGE);
      if (at < 0) { return real(value); }
      var low = value.slice(0, at), high = value.slice(at + RANGE.length);
      if (high.indexOf(RANGE) >= 0 || (low && !real(low)) || (high && !real(high))) { return false; }
      return !(low && high && Number(low) > Number(high));
    }
    function step(item, pattern) {
      var at = item.indexOf(PAIR);
      if (at < 0) { return false; }
      var name = item.slice(0, at), answer = item.slice(at + PAIR.length);
      if (answer.indexOf(PAIR) >= 0 || (name === '' && answer === '')) { return false; }
      if (name && !shortId(name)) { return false; }
      if (pattern && answer.indexOf(RANGE) >= 0) { return numericRange(answer); }
      return chars(answer) <= 250;
    }
    function trueFalse(v) { return v === 'true' || v === 'false'; }
    self.rules = {
      'true-false': [trueFalse, trueFalse],
      'choice': [function (v) { return ids(v, true); }, function (v) { return ids(v, true); }],
      'fill-in': [function (v) {
        var s = stripFlags(v, ['case_matters', 'order_matters']);
        return s[0] && splitAll(s[1], ITEM).every(function (i) { return localized(i, 250); });
      }, function (v) { return splitAll(v, ITEM).every(function (i) { return localized(i, 250); }); }],
      'long-fill-in': [function (v) {
        var s = stripFlags(v, ['case_matters']), ok = s[0], rest = s[1], l = stripLang(rest);
        if (l[0] !== null && rest.indexOf('{case_matters=') !== 0) {
          var s2 = stripFlags(l[1], v === rest ? ['case_matters'] : []);
          ok = ok && s2[0];
          return ok && Boolean(l[0]) && types.checkLanguage(l[0]) && chars(s2[1]) <= 4000;
        }
        return ok && localized(rest, 4000);
      }, function (v) { return localized(v, 4000); }],
      'likert': [shortId, shortId],
      'matching': [matching, matching],
      'performance': [function (v) {
        var s = stripFlags(v, ['order_matters']);
        return s[0] && s[1] !== '' && splitAll(s[1], ITEM).every(function (i) { return step(i, true); });
      }, function (v) { return v !== '' && splitAll(v, ITEM).every(function (i) { return step(i, false); }); }],
      'sequencing': [function (v) { return v !== '' && ids(v, false); }, function (v) { return v !== '' && ids(v, false); }],
      'numeric': [numericRange, real],
      'other': [function (v) { return chars(v) <= 4000; }, function (v) { return chars(v) <= 4000; }],
    };
    function matching(v) {
      if (v === '') { return false; }
      return splitAll(v, ITEM).every(function (item) {
        var parts = splitAll(item, PAIR);
        return parts.length === 2 && parts.every(shortId);
      });
    }
    self.real = real;
    self.shortId = shortId;
  }

  // --- the API instances -------------------------------------------------------------------
  function Session(rules, data, launch, hooks) {
    this.rules = rules;
    this.elements = rules.elements;
    this.errors = rules.errors;
    this.data = { values: Object.assign({}, (data && data.values) || {}), counts: Object.assign({}, (data && data.counts) || {}) };
    this.launch = launch || {};
    this.hooks = hooks || {};
    this.state = NOT_INITIALIZED;
    this.lastError = 0;
    this.diagnostic = '';
  }

  Session.prototype.ok = function (result) {
    this.lastError = 0; this.diagnostic = '';
    return result === undefined ? 'true' : result;
  };
  Session.prototype.fail = function (code, detail, result) {
    this.lastError = code;
    this.diagnostic = detail || (this.errors[String(code)] || {}).diagnostic || '';
    return result === undefined ? 'false' : result;
  };
  Session.prototype.count = function (array) { return this.data.counts[array] || 0; };
  Session.prototype.appendIfNew = function (array, index) {
    if (index === this.count(array)) { this.data.counts[array] = index + 1; }
  };
  Session.prototype.errorString = function (code) {
    var text = asText(code);
    if (!/^\d+$/.test(text) || (text.length > 1 && text[0] === '0')) { return ''; }
    var known = this.errors[String(parseInt(text, 10))];
    return known ? known.message : '';
  };
  Session.prototype.diagnosticText = function (code) {
    var text = asText(code);
    if (text === '') { return this.diagnostic || this.errors[String(this.lastError)].diagnostic; }
    if (text === String(this.lastError) && this.diagnostic) { return this.diagnostic; }
    return this.errorString(text) ? this.errors[String(parseInt(text, 10))].diagnostic : '';
  };
  Session.prototype.tooLong = function (value) {
    var limit = this.launch.maxValueChars;
    return limit && chars(value) > limit;
  };
  Session.prototype.report = function (call, args, result) {
    if (this.hooks.onCall) { this.hooks.onCall(call, args, result, this.lastError); }
    return result;
  };
  Session.prototype.changed = function (element, value) {
    if (this.hooks.onSet) { this.hooks.onSet(element, value); }
  };
  Session.prototype.persist = function (kind) {
    var hook = kind === 'finish' ? this.hooks.onFinish : this.hooks.onCommit;
    return hook ? hook() !== false : true;
  };
  Session.prototype.definedBelow = function (pattern) {
    var prefix = pattern + '.';
    for (var key in this.elements) { if (has(this.elements, key) && key.indexOf(prefix) === 0) { return true; } }
    return false;
  };

  // SCORM 1.2, RTE 1.2 3.3 (mirrors chalicelib/runtime/scorm12_api.py)
  var E12 = { GENERAL: 101, ARGUMENT: 201, NO_CHILDREN: 202, NOT_ARRAY: 203, NOT_INITIALIZED: 301,
    NOT_IMPLEMENTED: 401, KEYWORD: 402, READ_ONLY: 403, WRITE_ONLY: 404, TYPE: 405 };

  function Failure(code, detail) { this.code = code; this.detail = detail; }

  function Scorm12(rules, data, launch, hooks) {
    Session.call(this, rules.scorm12, data, launch, hooks);
    this.types = new Types(rules.scorm12.types, null);
    this.blank = rules.scorm12.blankAllowed;
  }
  Scorm12.prototype = Object.create(Session.prototype);

  Scorm12.prototype.sessionError = function () {
    if (this.state === NOT_INITIALIZED) { return E12.NOT_INITIALIZED; }
    return this.state === TERMINATED ? E12.GENERAL : 0;
  };
  Scorm12.prototype.initialize = function (p) {
    if (asText(p) !== '') { return this.fail(E12.ARGUMENT, 'LMSInitialize takes the empty string.'); }
    if (this.state !== NOT_INITIALIZED) { return this.fail(E12.GENERAL, 'LMSInitialize was already called.'); }
    this.state = RUNNING;
    return this.ok();
  };
  Scorm12.prototype.finish = function (p) {
    if (asText(p) !== '') { return this.fail(E12.ARGUMENT, 'LMSFinish takes the empty string.'); }
    var code = this.sessionError();
    if (code) { return this.fail(code); }
    if (!this.persist('finish')) { return this.fail(E12.GENERAL, 'The data could not be saved.'); }
    this.state = TERMINATED;
    return this.ok();
  };
  Scorm12.prototype.commit = function (p) {
    if (asText(p) !== '') { return this.fail(E12.ARGUMENT, 'LMSCommit takes the empty string.'); }
    var code = this.sessionError();
    if (code) { return this.fail(code); }
    if (!this.persist('commit')) { return this.fail(E12.GENERAL, 'The data could not be saved.'); }
    return this.ok();
  };
  Scorm12.prototype.resolve = function (path) {
    if (path.text === '') { throw new Failure(E12.ARGUMENT, 'An element name is required.'); }
    var spec = this.elements[path.pattern];
    if (spec) { return spec; }
    var parts = rpartition(path.pattern, '.'), base = parts[0], last = parts[2];
    var defined = has(this.elements, base) || this.definedBelow(base);
    if (last === '_children' && defined) { throw new Failure(E12.NO_CHILDREN, base + ' has no children.'); }
    if (last === '_count' && defined) { throw new Failure(E12.NOT_ARRAY, base + ' is not an array.'); }
    throw new Failure(E12.NOT_IMPLEMENTED, path.text + ' is not a SCORM 1.2 element.');
  };
  Scorm12.prototype.checkIndices = function (path, setting) {
    var arrays = arrayPaths(path);
    for (var i = 0; i < arrays.length; i++) {
      var count = this.count(arrays[i][0]), index = arrays[i][1];
      if (index > count || (index === count && !setting)) {
        throw new Failure(E12.ARGUMENT, arrays[i][0] + '.' + index + ' does not exist (count ' + count + ').');
      }
    }
  };
  Scorm12.prototype.getValue = function (element) {
    var code = this.sessionError();
    if (code) { return this.fail(code, '', ''); }
    try {
      var path = parse(asText(element)), spec = this.resolve(path);
      if (spec.access === 'WO') { throw new Failure(E12.WRITE_ONLY, path.text + ' is write-only.'); }
      this.checkIndices(path, false);
      if (spec.keyword === '_count') { return this.ok(String(this.count(rpartition(path.text, '.')[0]))); }
      if (spec.keyword) { return this.ok(spec.value || ''); }
      var value = this.data.values[path.text];
      return this.ok(value !== undefined ? value : (spec['default'] || ''));
    } catch (failure) {
      if (failure instanceof Failure) { return this.fail(failure.code, failure.detail, ''); }
      throw failure;
    }
  };
  Scorm12.prototype.setValue = function (element, value) {
    var code = this.sessionError();
    if (code) { return this.fail(code); }
    var text = asText(value);
    try {
      var path = parse(asText(element));
      if (path.text !== '' && !has(this.elements, path.pattern)) {
        throw new Failure(E12.NOT_IMPLEMENTED, path.text + ' is not a SCORM 1.2 element.');
      }
      if (this.tooLong(text)) { throw new Failure(E12.TYPE, 'The value is over the storage limit.'); }
      var spec = this.resolve(path);
      if (spec.keyword) { throw new Failure(E12.KEYWORD, spec.keyword + ' is a keyword.'); }
      if (spec.access === 'RO') { throw new Failure(E12.READ_ONLY, path.text + ' is read-only.'); }
      this.checkIndices(path, true);
      var blankOk = text === '' && this.blank.indexOf(path.pattern) >= 0;
      if (!blankOk && this.types.check(spec.type, text, spec) !== 'ok') {
        throw new Failure(E12.TYPE, JSON.stringify(text) + ' is not a valid ' + spec.type + ' for ' + path.text + '.');
      }
      this.data.values[path.text] = text;
      var arrays = arrayPaths(path);
      for (var i = 0; i < arrays.length; i++) { this.appendIfNew(arrays[i][0], arrays[i][1]); }
      this.changed(path.text, text);
      return this.ok();
    } catch (failure) {
      if (failure instanceof Failure) { return this.fail(failure.code, failure.detail); }
      throw failure;
    }
  };

  // SCORM 2004 4th Edition, RTE 3.1 (mirrors chalicelib/runtime/scorm2004_api.py)
  var E = { ALREADY: 103, INSTANCE_TERMINATED: 104, TERMINATION_FAILURE: 111, TERM_BEFORE: 112, TERM_AFTER: 113,
    GET_BEFORE: 122, GET_AFTER: 123, SET_BEFORE: 132, SET_AFTER: 133, COMMIT_BEFORE: 142, COMMIT_AFTER: 143,
    ARGUMENT: 201, GET: 301, SET: 351, COMMIT: 391, UNDEFINED: 401, NOT_INITIALIZED: 403, READ_ONLY: 404,
    WRITE_ONLY: 405, TYPE: 406, RANGE: 407, DEPENDENCY: 408 };

  function Scorm2004(rules, data, launch, hooks) {
    var r = rules.scorm2004;
    Session.call(this, r, data, launch, hooks);
    this.types = new Types(r.types, r.languages);
    this.interactions = new Interactions(this.types, r.interactions);
    this.sets = { nav: r.navRequests, unique: r.uniqueIds, writeOnce: r.writeOnce, fixed: r.fixedArrays,
      emptyIsUnset: r.emptyIsUnset };
  }
  Scorm2004.prototype = Object.create(Session.prototype);

  Scorm2004.prototype.initialize = function (p) {
    if (asText(p) !== '') { return this.fail(E.ARGUMENT, 'Initialize takes the empty string.'); }
    if (this.state === RUNNING) { return this.fail(E.ALREADY); }
    if (this.state === TERMINATED) { return this.fail(E.INSTANCE_TERMINATED); }
    this.state = RUNNING;
    return this.ok();
  };
  Scorm2004.prototype.finish = function (p) {
    if (asText(p) !== '') { return this.fail(E.ARGUMENT, 'Terminate takes the empty string.'); }
    if (this.state === NOT_INITIALIZED) { return this.fail(E.TERM_BEFORE); }
    if (this.state === TERMINATED) { return this.fail(E.TERM_AFTER); }
    if (!this.persist('finish')) { return this.fail(E.TERMINATION_FAILURE, 'The data could not be saved.'); }
    this.state = TERMINATED;
    return this.ok();
  };
  Scorm2004.prototype.commit = function (p) {
    if (asText(p) !== '') { return this.fail(E.ARGUMENT, 'Commit takes the empty string.'); }
    if (this.state === NOT_INITIALIZED) { return this.fail(E.COMMIT_BEFORE); }
    if (this.state === TERMINATED) { return this.fail(E.COMMIT_AFTER); }
    if (!this.persist('commit')) { return this.fail(E.COMMIT); }
    return this.ok();
  };
  Scorm2004.prototype.keywordParent = function (path) {
    var parts = rpartition(path.pattern, '.');
    return KEYWORDS.indexOf(parts[2]) >= 0 && (has(this.elements, parts[0]) || this.definedBelow(parts[0])) ? parts : null;
  };
  Scorm2004.prototype.mapAllows = function (path, read) {
    if (path.pattern !== 'adl.data.n.store') { return true; }
    var maps = this.launch.sharedData || [], index = path.indices[0];
    if (index >= maps.length) { return true; }
    return read ? maps[index].read : maps[index].write;
  };
  Scorm2004.prototype.evaluated = function (text) {
    var v = this.data.values;
    if (text === 'cmi.completion_status') {
      if (has(v, 'cmi.completion_threshold')) {
        if (!has(v, 'cmi.progress_measure')) { return 'unknown'; }
        return Number(v['cmi.progress_measure']) >= Number(v['cmi.completion_threshold']) ? 'completed' : 'incomplete';
      }
      return has(v, 'cmi.completion_status') ? v['cmi.completion_status'] : 'unknown';
    }
    if (text === 'cmi.success_status') {
      if (has(v, 'cmi.scaled_passing_score')) {
        if (!has(v, 'cmi.score.scaled')) { return 'unknown'; }
        return Number(v['cmi.score.scaled']) >= Number(v['cmi.scaled_passing_score']) ? 'passed' : 'failed';
      }
      return has(v, 'cmi.success_status') ? v['cmi.success_status'] : 'unknown';
    }
    return null;
  };
  Scorm2004.prototype.getValue = function (element) {
    if (this.state !== RUNNING) {
      return this.fail(this.state === TERMINATED ? E.GET_AFTER : E.GET_BEFORE, '', '');
    }
    var name = asText(element);
    if (name === '') { return this.fail(E.GET, 'GetValue needs an element name.', ''); }
    var path = parse(name), spec = this.elements[path.pattern];
    if (!spec) {
      var parent = this.keywordParent(path);
      if (parent) { return this.fail(E.GET, parent[0] + ' has no ' + parent[2] + '.', ''); }
      return this.fail(E.UNDEFINED, path.text + ' is not a SCORM 2004 element.', '');
    }
    var arrays = arrayPaths(path);
    for (var i = 0; i < arrays.length; i++) {
      var limit = this.count(arrays[i][0]);
      if (arrays[i][1] >= limit) { return this.fail(E.GET, arrays[i][0] + '.' + arrays[i][1] + ' does not exist.', ''); }
    }
    if (spec.keyword === '_count') { return this.ok(String(this.count(rpartition(path.text, '.')[0]))); }
    if (spec.keyword) { return this.ok(spec.value || ''); }
    if (spec.access === 'WO' || !this.mapAllows(path, true)) { return this.fail(E.WRITE_ONLY, path.text + ' is write-only.', ''); }
    var evaluated = this.evaluated(path.text);
    if (evaluated !== null) { return this.ok(evaluated); }
    if (path.target !== null || path.pattern.indexOf('adl.nav.request_valid.') === 0) {
      var key = path.target === null ? rpartition(path.pattern, '.')[2] : path.text.slice('adl.nav.request_valid.'.length);
      var nav = this.launch.navValid || {};
      return this.ok(has(nav, key) ? nav[key] : (spec['default'] || 'unknown'));
    }
    var value = has(this.data.values, path.text) ? this.data.values[path.text] : null;
    if (value === '' && this.sets.emptyIsUnset.indexOf(path.pattern) >= 0) { value = null; }
    if (value === null && has(spec, 'default')) { value = spec['default']; }
    if (value === null) { return this.fail(E.NOT_INITIALIZED, path.text + ' has no value yet.', ''); }
    return this.ok(value);
  };
  Scorm2004.prototype.setValue = function (element, value) {
    if (this.state !== RUNNING) { return this.fail(this.state === TERMINATED ? E.SET_AFTER : E.SET_BEFORE); }
    var name = asText(element);
    if (name === '') { return this.fail(E.SET, 'SetValue needs an element name.'); }
    var text = asText(value);
    try {
      if (this.tooLong(text)) { throw new Failure(E.SET, 'The value is over the 64000-character storage limit.'); }
      this.set(parse(name), text);
    } catch (failure) {
      if (failure instanceof Failure) { return this.fail(failure.code, failure.detail); }
      throw failure;
    }
    return this.ok();
  };
  Scorm2004.prototype.set = function (path, value) {
    var spec = this.elements[path.pattern];
    if (!spec) {
      if (this.keywordParent(path)) { throw new Failure(E.READ_ONLY, 'That is a keyword.'); }
      throw new Failure(E.UNDEFINED, path.text + ' is not a SCORM 2004 element.');
    }
    if (spec.access === 'RO') { throw new Failure(E.READ_ONLY, path.text + ' is read-only.'); }
    if (!this.mapAllows(path, false)) { throw new Failure(E.READ_ONLY, path.text + ' may not be written by this SCO.'); }
    var arrays = arrayPaths(path), i;
    for (i = 0; i < arrays.length; i++) {
      var count = this.count(arrays[i][0]), index = arrays[i][1];
      if (this.sets.fixed.indexOf(arrays[i][0]) >= 0 && index >= count) { throw new Failure(E.SET, arrays[i][0] + ' is fixed by the LMS.'); }
      if (index > count) { throw new Failure(E.SET, arrays[i][0] + '.' + index + ': the next index is ' + count + '.'); }
    }
    if (spec.requires) {
      var required = arrays[0][0] + '.' + arrays[0][1] + '.' + spec.requires;
      if (required !== path.text && !has(this.data.values, required)) {
        throw new Failure(E.DEPENDENCY, required + ' must be set before ' + path.text + '.');
      }
    }
    this.checkValue(path, spec, value);
    this.checkUnique(path, value);
    this.data.values[path.text] = value;
    for (i = 0; i < arrays.length; i++) { this.appendIfNew(arrays[i][0], arrays[i][1]); }
    this.changed(path.text, value);
  };
  Scorm2004.prototype.checkValue = function (path, spec, value) {
    if (spec.type === 'interaction_pattern') { this.checkResponse(path, value); return; }
    if (spec.type === 'interaction_result') {
      if (!((spec.vocabulary || []).indexOf(value) >= 0 || this.interactions.real(value))) { throw new Failure(E.TYPE, 'Not a result.'); }
      return;
    }
    if (spec.type === 'nav_request') {
      var m = NAV_TARGET.exec(value);
      if (!(this.sets.nav.indexOf(value) >= 0 || (m && this.interactions.shortId(m[1])))) { throw new Failure(E.TYPE, 'Not a navigation request.'); }
      return;
    }
    var verdict = this.types.check(spec.type, value, spec);
    if (verdict === 'type') { throw new Failure(E.TYPE, JSON.stringify(value) + ' is not a valid ' + spec.type + '.'); }
    if (verdict === 'range') { throw new Failure(E.RANGE, value + ' is out of the range of ' + path.text + '.'); }
  };
  Scorm2004.prototype.checkResponse = function (path, value) {
    var interaction = 'cmi.interactions.' + path.indices[0];
    var type = this.data.values[interaction + '.type'];
    var rule = this.interactions.rules[type], table = this.interactions.table[type];
    if (/learner_response$/.test(path.pattern)) {
      if (!rule[1](value)) { throw new Failure(E.TYPE, 'Not a ' + type + ' learner response.'); }
      return;
    }
    var index = path.indices[1];
    if (table.maxPatterns !== null && table.maxPatterns !== undefined && index >= table.maxPatterns) {
      throw new Failure(E.SET, type + ' takes ' + table.maxPatterns + ' pattern(s).');
    }
    if (!rule[0](value)) { throw new Failure(E.TYPE, 'Not a ' + type + ' pattern.'); }
    if (table.uniquePatterns) {
      var array = interaction + '.correct_responses';
      for (var other = 0; other < this.count(array); other++) {
        if (other !== index && this.data.values[array + '.' + other + '.pattern'] === value) {
          throw new Failure(E.SET, 'Already a correct response.');
        }
      }
    }
  };
  Scorm2004.prototype.checkUnique = function (path, value) {
    if (this.sets.unique.indexOf(path.pattern) < 0) { return; }
    var current = has(this.data.values, path.text) ? this.data.values[path.text] : null;
    if (this.sets.writeOnce.indexOf(path.pattern) >= 0 && current !== null && current !== value) {
      throw new Failure(E.SET, path.text + ' cannot change.');
    }
    var arrays = arrayPaths(path), last = arrays[arrays.length - 1];
    for (var other = 0; other < this.count(last[0]); other++) {
      if (other !== last[1] && this.data.values[last[0] + '.' + other + '.id'] === value) {
        throw new Failure(E.SET, JSON.stringify(value) + ' is already used.');
      }
    }
  };

  /** The object content calls: SCORM's own method names, each reported for the debug log. */
  function expose(session, names) {
    var api = {};
    function wrap(method, name, arity) {
      return function () {
        var args = Array.prototype.slice.call(arguments, 0, arity);
        return session.report(name, args, method.apply(session, args));
      };
    }
    api[names[0]] = wrap(session.initialize, names[0], 1);
    api[names[1]] = wrap(session.finish, names[1], 1);
    api[names[2]] = wrap(session.getValue, names[2], 1);
    api[names[3]] = wrap(session.setValue, names[3], 2);
    api[names[4]] = wrap(session.commit, names[4], 1);
    api[names[5]] = function () { return String(session.lastError); };
    api[names[6]] = function (code) { return session.errorString(code); };
    api[names[7]] = function (code) { return session.diagnosticText(code); };
    return api;
  }

  var NAMES_12 = ['LMSInitialize', 'LMSFinish', 'LMSGetValue', 'LMSSetValue', 'LMSCommit', 'LMSGetLastError',
    'LMSGetErrorString', 'LMSGetDiagnostic'];
  var NAMES_2004 = ['Initialize', 'Terminate', 'GetValue', 'SetValue', 'Commit', 'GetLastError',
    'GetErrorString', 'GetDiagnostic'];

  /**
   * create('scorm12' | 'scorm2004', rules, data, launch, hooks) → {api, session}.
   * data: {values, counts} as delivered; launch: {navValid, sharedData, maxValueChars};
   * hooks: onSet(element, value), onCommit(), onFinish(), onCall(name, args, result, errorCode).
   */
  function create(standard, rules, data, launch, hooks) {
    var twelve = standard === 'scorm12';
    var session = twelve ? new Scorm12(rules, data, launch, hooks) : new Scorm2004(rules, data, launch, hooks);
    return { api: expose(session, twelve ? NAMES_12 : NAMES_2004), session: session };
  }

  var exported = { create: create, parse: parse, asText: asText };
  if (typeof module !== 'undefined' && module.exports) { module.exports = exported; } else { root.NimbusRuntime = exported; }
})(typeof window !== 'undefined' ? window : this);
