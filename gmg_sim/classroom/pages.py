"""The classroom's HTML: plain pages, a little JavaScript polling a JSON endpoint, no build step.

Everything is inline (no external files, no fonts or scripts from the network),
so the pages work on a classroom network without internet. The student and
teacher pages are shells filled by their ``state`` endpoint every second; the
debrief is rendered on the server.
"""

from __future__ import annotations

import html
import json
from typing import Any

from gmg_sim.analysis.colors import agency_colors, pale

__all__ = ["debrief_page", "error_page", "landing_page", "student_page", "teacher_page"]

_CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2430;
 background:#f4f6f9;line-height:1.4}
header{background:#1f3a5f;color:#fff;padding:10px 18px;display:flex;gap:18px;align-items:baseline;
 flex-wrap:wrap}
header h1{font-size:1.2rem;margin:0}
header .status{opacity:.9}
main{max-width:1200px;margin:0 auto;padding:14px}
.card{background:#fff;border-radius:8px;padding:12px 14px;margin:0 0 12px;
 box-shadow:0 1px 3px rgba(0,0,0,.12)}
.card h2{font-size:1.05rem;margin:0 0 8px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:12px}
.chip{display:inline-block;border-radius:10px;padding:1px 8px;margin:2px;background:#e8eef6;
 font-size:.9em}
button{font:inherit;padding:7px 14px;border-radius:6px;border:1px solid #1f3a5f;background:#fff;
 color:#1f3a5f;cursor:pointer;margin:2px}
button.primary{background:#1f3a5f;color:#fff}
button:disabled{opacity:.45;cursor:default}
input{font:inherit;padding:6px;border:1px solid #99a;border-radius:5px}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #e3e6ea;vertical-align:top}
.choice{border:2px solid #d55e00;background:#fffaf5}
.choice .q{font-weight:600;margin:6px 0}
.countdown{float:right;font-weight:700;color:#a84300}
.draft{background:#fbfbf7;border:1px solid #e4e1d4;padding:8px 10px;border-radius:6px;
 max-height:320px;overflow:auto}
.draft .substance{color:#444}
.kw{border-radius:4px;padding:0 3px;font-weight:600}
.mine{outline:2px solid #1d2430}
.muted{color:#667}
.msg{padding:6px 10px;border-radius:6px;background:#eef6ee;margin:6px 0}
.msg.err{background:#fdecea}
.code{font-family:ui-monospace,Consolas,monospace;font-size:1.05em;letter-spacing:.05em}
.bar{display:inline-block;height:12px;background:#0072B2;border-radius:2px}
.timeline{display:flex;gap:2px;margin:4px 0}
.timeline div{flex:1;min-width:0;padding:3px 2px;font-size:.78em;text-align:center;
 border-radius:3px;overflow:hidden;white-space:nowrap}
.vacant{background:repeating-linear-gradient(45deg,#eee,#eee 4px,#ccc 4px,#ccc 8px)}
.diff-pos{color:#08660f}.diff-neg{color:#a11}
"""


def _page(title: str, body: str, script: str = "") -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>{body}"
        + (f"<script>{script}</script>" if script else "")
        + "</body></html>"
    )


def error_page(title: str, message: str) -> str:
    """A clear page for a wrong or stale link (it shows nothing of the session)."""
    body = (
        f"<header><h1>gmg-sim classroom</h1></header><main><div class='card'>"
        f"<h2>{html.escape(title)}</h2><p>{html.escape(message)}</p>"
        "<p><a href='/'>Enter a seat code</a></p></div></main>"
    )
    return _page(title, body)


def landing_page() -> str:
    """The server's front page: a form to type a seat code."""
    body = (
        "<header><h1>gmg-sim classroom</h1></header><main><div class='card'>"
        "<h2>Join your agency</h2><p>Open the link your teacher gave you, or type your "
        "agency's code:</p><form action='/join' method='get'>"
        "<label for='code'>Seat code</label> "
        "<input id='code' name='code' placeholder='ABCD-EFGH-JKMN' autocomplete='off' size='18'> "
        "<button class='primary'>Join</button></form></div></main>"
    )
    return _page("gmg-sim classroom", body)


_COLORS_JS = "const COLORS=" + json.dumps(
    {a: [c, pale(c, 0.35)] for a, c in agency_colors().items()}
)

_COMMON_JS = r"""
const $=s=>document.querySelector(s);
const esc=s=>String(s??'').replace(/[&<>"']/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
const usd=x=>x==null?'–':'USD '+Math.round(x).toLocaleString('en-US');
function statusLine(s){
  const ph={lobby:'waiting to start',running:'running',paused:'paused',ended:'ended'}[s.phase];
  return `${esc(s.scenario)} · seed ${s.seed} · month ${esc(s.month)} · ${s.months_done} of ${s.months} months played · ${ph}${s.deciding?' · deciding':''}`;
}
function draftHtml(segs, me){
  return segs.map(g=>{
    if(g.kind!=='mention') return `<span class="${g.kind}">${esc(g.text)}</span> `;
    const c=COLORS[g.agency]||['#888','#ddd'];
    const t=esc(g.text).replace(esc(g.keyword),`<span class="kw${g.agency===me?' mine':''}" style="background:${c[1]};border-bottom:2px solid ${c[0]}" title="${esc(g.agency)}">${esc(g.keyword)}</span>`);
    return `<span class="mention">${t}</span> `;
  }).join('');
}
function worldHtml(w){
  return `<table><tr><th>Chair</th><td>${esc(w.chair||'vacant')} (${esc(w.term)})</td></tr>
  <tr><th>Months without a chair</th><td>${w.vacant_months}</td></tr>
  <tr><th>Statements adopted</th><td>${w.statements_adopted} of ${w.statements_decided} decided</td></tr>
  <tr><th>Being drafted</th><td>${w.statements_open.map(esc).join('<br>')||'–'}</td></tr>
  <tr><th>Trust between members</th><td>${w.trust==null?'–':w.trust.toFixed(3)}</td></tr>
  <tr><th>Secretariat</th><td>${w.secretariat?'hosted by '+esc(w.secretariat):'none'} (${w.proposals} proposals)</td></tr></table>`;
}
const RECONNECTING='Reconnecting to the server…';
function msg(t,err){$('#msg').innerHTML=t?`<div class="msg${err?' err':''}">${esc(t)}</div>`:'';}
function online(){if($('#msg').textContent===RECONNECTING) msg('');}  // other messages stay
async function post(url, body){
  const r=await fetch(url,{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify(body)});
  const j=await r.json().catch(()=>({message:'no answer from the server'}));
  return {ok:r.ok, ...j};
}
"""


def student_page(code: str, agency: str) -> str:
    """The shell of a seat's page (filled from ``/s/CODE/state``)."""
    body = f"""
<header><h1>You are <span id='agency'>{html.escape(agency)}</span></h1>
<span class='status' id='status'></span></header>
<main>
<div id='msg' role='status' aria-live='polite'></div>
<div class='card' id='joincard' style='display:none'><h2>Take your seat</h2>
<form id='joinform'><p><label for='name'>Your name (or your team's), as the class will see it:</label></p>
<input id='name' maxlength='40' placeholder='Name' autocomplete='off'> <button class='primary' id='joinbtn'>Join</button>
</form></div>
<div id='choices'></div>
<div class='grid'>
<div class='card' id='agencycard'></div>
<div class='card'><h2>The group this month</h2><div id='world'></div></div>
</div>
<div class='card'><h2>Your agency's choices</h2><div id='mine'></div></div>
<div class='card' id='debrief' style='display:none'><h2>The session has ended</h2>
<p><a href='/s/{html.escape(code)}/debrief'>See the debrief: what your choices did</a></p></div>
</main>"""
    script = (
        _COLORS_JS
        + _COMMON_JS
        + f"const CODE={json.dumps(code)};const KEY='gmg-player-'+CODE;"
        + r"""
let player=localStorage.getItem(KEY), me=null, lastOpen='';
function contextHtml(c, ctx){
  let h='';
  if(c.kind==='volunteer'||c.kind==='accept_chair'){
    h+=`<p>Term <b>${esc(ctx.term)}</b>${ctx.prestige_event?' ('+esc(ctx.prestige_event)+')':''}. Chairing costs about ${usd(ctx.chair_cost_month)} a month; you can pay ${Math.round(ctx.afford*100)}% of this year's share. Budget left: ${usd(ctx.budget_left)} of ${usd(ctx.budget_annual)}. Last chair: ${esc(ctx.last_chair||'none')}.</p>`;
  } else if(c.kind==='push_keyword'||c.kind==='object_to_draft'){
    h+=`<p><b>${esc(ctx.title)}</b> on ${esc(ctx.theme)} — round ${ctx.round}, ${ctx.words} of ${ctx.max_words} words, deadline ${esc(ctx.deadline)}, drafted by ${esc(ctx.drafter)}; adopted by ${esc(ctx.decision_rule.replace('_',' '))}.</p>`;
    h+=`<p>Your keyword now: <span class="chip">${esc(ctx.your_keyword)}</span> · you are named ${ctx.your_mentions} time(s) · objecting: ${ctx.objectors.length?ctx.objectors.map(esc).join(', '):'nobody'}</p>`;
    h+=`<div class="draft">${draftHtml(ctx.text, ctx.agency)}</div>`;
  } else {
    h+=`<p>Proposed by <b>${esc(ctx.proposer)}</b> in ${esc(ctx.proposed_in)}; it would cost ${usd(ctx.annual_cost)} a year. Your budget left: ${usd(ctx.budget_left)}.</p>`;
    if(ctx.host) h+=`<p>Proposed host: <b>${esc(ctx.host)}</b>${ctx.candidates&&ctx.candidates.length>1?' (contested by '+ctx.candidates.map(esc).join(', ')+')':''}. Your trust in it: ${ctx.trust_to_host}; rivalry: ${ctx.rivalry_to_host}.</p>`;
  }
  return h;
}
function render(s){
  $('#status').textContent=statusLine(s.status).replace(/&amp;/g,'&');
  me=s.you; if(!me){$('#joincard').style.display='';} else {$('#joincard').style.display='none';}
  const a=s.seat;
  $('#agencycard').innerHTML=`<h2>${esc(a.name)} (${esc(a.agency)})</h2>
   <p>${a.member?'Member of the group.':'Joins the group in '+esc(a.joins)+': until then it has no choices.'}
   Players: ${s.players.map(esc).join(', ')||'nobody yet'}${me?' (you: '+esc(me.name)+')':''}</p>
   <p>Mandate: ${a.mandate.map(m=>`<span class="chip">${esc(m)}</span>`).join('')}</p>
   <p>Keywords you want in statements: ${a.keywords.map(m=>`<span class="chip">${esc(m)}</span>`).join('')}</p>
   <p>Budget left this year: <b>${usd(a.budget_left)}</b> of ${usd(a.budget_annual)} · engagement ${a.engagement}</p>`;
  $('#world').innerHTML=worldHtml(s.world);
  const ids=s.open.map(c=>c.id).join(',');
  if(ids!==lastOpen){
    lastOpen=ids;
    $('#choices').innerHTML=s.open.map(c=>`<div class="card choice" data-id="${esc(c.id)}">
      <span class="countdown" data-left="${c.seconds_left??''}"></span><h2>${esc(c.title)} — ${esc(c.context.month)}</h2>
      ${contextHtml(c,c.context)}<p class="q">${esc(c.question)}</p>
      <button class="primary" data-answer="1">${esc(c.yes)}</button>
      <button data-answer="0">${esc(c.no)}</button></div>`).join('');
    document.querySelectorAll('.choice button').forEach(b=>b.onclick=async()=>{
      const card=b.closest('.choice'), all=card.querySelectorAll('button');
      all.forEach(x=>x.disabled=true);
      try{
        const r=await post(`/s/${CODE}/choose`,{choice:card.dataset.id,answer:b.dataset.answer==='1',player:player});
        msg(r.ok?'Your choice is recorded.':r.message,!r.ok); lastOpen='';
      }catch(e){  // no answer from the server: the choice stays open, try again
        msg('Your choice was not sent (no connection to the server): choose again.',true);
        all.forEach(x=>x.disabled=false);
      }
      refresh();
    });
  }
  document.querySelectorAll('.countdown').forEach(el=>{
    const c=s.open.find(x=>x.id===el.closest('.choice').dataset.id);
    el.textContent=c&&c.seconds_left!=null?Math.ceil(c.seconds_left)+' s':'';
    if(s.status.phase==='paused') el.textContent='paused';
  });
  if(!s.open.length && s.status.phase==='running' && me) $('#choices').innerHTML=`<div class="card muted">No choice for your agency right now: the model plays the month. Wait for your teacher.</div>`;
  $('#mine').innerHTML=s.mine.length?'<table><tr><th>Month</th><th>Choice</th><th>Answer</th><th>By</th></tr>'+s.mine.map(r=>`<tr><td>${esc(r.month)}</td><td>${esc(r.title)}</td><td>${esc(r.answer)}</td><td>${esc(r.by)}</td></tr>`).join('')+'</table>':'<p class="muted">None yet.</p>';
  $('#debrief').style.display=s.status.phase==='ended'?'':'none';
}
async function refresh(){
  try{
    const r=await fetch(`/s/${CODE}/state`+(player?`?player=${encodeURIComponent(player)}`:''),{cache:'no-store'});
    const s=await r.json(); online(); if(!r.ok){msg(s.message,true);return;} render(s);
  }catch(e){msg(RECONNECTING,true);}
}
$('#joinform').onsubmit=async e=>{  // the button or Enter in the name box; no page reload
  e.preventDefault();
  const b=$('#joinbtn'); if(b.disabled) return; b.disabled=true;  // a double click joins once
  try{
    const r=await post(`/s/${CODE}/join`,{name:$('#name').value,player:player});
    if(r.ok){player=r.id;localStorage.setItem(KEY,player);msg('You have joined as '+r.name+'.');refresh();}
    else msg(r.message,true);
  }catch(err){msg('You have not joined yet (no connection to the server): try again.',true);}
  finally{b.disabled=false;}
};
if(player){post(`/s/${CODE}/join`,{name:'',player:player}).then(r=>{if(r.ok){player=r.id;localStorage.setItem(KEY,player);}},()=>{}).finally(refresh);}
refresh(); setInterval(refresh,1000);
"""
    )
    return _page(f"gmg-sim classroom: {agency}", body, script)


def teacher_page(token: str) -> str:
    """The shell of the teacher's page (filled from ``/t/TOKEN/state``)."""
    base = f"/t/{html.escape(token)}"
    body = f"""
<header><h1>Teacher · gmg-sim classroom</h1><span class='status' id='status'></span></header>
<main>
<div id='msg' role='status' aria-live='polite'></div>
<div class='card'><h2>Controls</h2>
<button class='primary' id='start' data-action='start'>Start</button>
<button id='month' data-action='advance'>Advance one month</button>
<button id='decision' data-action='run'>Run to the next decision</button>
<button id='pause' data-action='pause'>Pause</button>
<button id='resume' data-action='resume'>Resume</button>
<button id='close' data-action='close'>Close open choices (the model decides)</button>
<button id='end' data-action='end'>End the session</button>
&nbsp; <label for='limit'>Time per decision</label>: <input id='limit' size='5' inputmode='decimal' title='seconds; empty or 0: no limit; applies to choices that open from now on'> s <button data-action='limit'>Set</button>
<p><a href='{base}/debrief' target='_blank'>Debrief</a> · exports:
<a href='{base}/export/choices.csv'>choices.csv</a> · <a href='{base}/export/choices.parquet'>choices.parquet</a> ·
<a href='{base}/export/outcomes.csv'>outcomes.csv</a> · <a href='{base}/export/outcomes.parquet'>outcomes.parquet</a></p>
</div>
<div class='grid'>
<div class='card'><h2>Open choices</h2><div id='open'></div></div>
<div class='card'><h2>The group</h2><div id='world'></div></div>
</div>
<div class='card'><h2>Seats: one link or code per agency</h2><div id='seats'></div></div>
<div class='grid'>
<div class='card'><h2>Latest decisions</h2><div id='recent'></div></div>
<div class='card'><h2>What happened</h2><div id='events'></div></div>
</div>
</main>"""
    script = (
        _COLORS_JS
        + _COMMON_JS
        + f"const BASE={json.dumps(base)};"
        + r"""
let limitTouched=false; $('#limit').oninput=()=>limitTouched=true;
function render(s){
  const st=s.status; $('#status').textContent=statusLine(st).replace(/&amp;/g,'&');
  $('#start').disabled=st.phase!=='lobby';
  $('#month').disabled=$('#decision').disabled=st.phase!=='running'||st.deciding;
  $('#pause').disabled=st.phase!=='running'; $('#resume').disabled=st.phase!=='paused';
  $('#close').disabled=!st.deciding||st.phase==='ended'; $('#end').disabled=st.phase==='ended';
  if(!limitTouched) $('#limit').value=st.time_limit==null?'':Math.round(st.time_limit);
  $('#open').innerHTML=s.open.length?'<table><tr><th>Agency</th><th>Choice</th><th>Time left</th></tr>'+s.open.map(c=>`<tr><td>${esc(c.agency)}</td><td>${esc(c.title)} (${esc(c.kind)})</td><td>${c.seconds_left==null?'–':Math.ceil(c.seconds_left)+' s'}</td></tr>`).join('')+'</table>':'<p class="muted">None.</p>';
  $('#world').innerHTML=worldHtml(s.world);
  $('#seats').innerHTML='<table><tr><th>Agency</th><th>Link</th><th>Code</th><th>Players</th><th></th></tr>'+s.seats.map(x=>`<tr><td><b>${esc(x.agency)}</b><br><span class="muted">${esc(x.name)}</span></td><td>${x.link?`<a href="${esc(x.link)}" target="_blank">${esc(x.link)}</a>`:'–'}</td><td class="code">${esc(x.code||'–')}</td><td>${x.players.map(esc).join(', ')||'<span class="muted">the model plays</span>'}</td><td>${x.member?'':'joins '+esc(x.joins)}${x.waiting?' <b>deciding…</b>':''}</td></tr>`).join('')+'</table>';
  $('#recent').innerHTML=s.recent.length?'<table>'+s.recent.map(r=>`<tr><td>${esc(r.month)}</td><td>${esc(r.agency)}</td><td>${esc(r.answer)}</td><td>${esc(r.by)}</td></tr>`).join('')+'</table>':'<p class="muted">None yet.</p>';
  $('#events').innerHTML=s.events.map(e=>`<div>${esc(e)}</div>`).join('');
}
async function refresh(){
  try{const r=await fetch(BASE+'/state',{cache:'no-store'});const s=await r.json();online();if(!r.ok){msg(s.message,true);return;}render(s);}
  catch(e){msg(RECONNECTING,true);}
}
document.querySelectorAll('button[data-action]').forEach(b=>b.onclick=async()=>{
  const body={action:b.dataset.action};
  // the text as typed: the server refuses what is not a number of seconds (empty: no limit)
  if(body.action==='limit'){body.seconds=$('#limit').value.trim();limitTouched=false;}
  if(body.action==='end'&&!confirm('End the session? The debrief compares the months played.'))return;
  try{const r=await post(BASE+'/action',body); msg(r.ok?'':r.message,!r.ok);}
  catch(e){msg('Not sent (no connection to the server): try again.',true);}
  refresh();
});
refresh(); setInterval(refresh,1000);
"""
    )
    return _page("gmg-sim classroom: teacher", body, script)


# -- the debrief (rendered on the server) ----------------------------------------------------
def _e(x: Any) -> str:
    return html.escape(str(x))


def _draft_html(segments: list[dict[str, Any]]) -> str:
    colors = agency_colors()
    parts = []
    for g in segments:
        text = _e(g["text"])
        if g["kind"] == "mention":
            c = colors.get(g["agency"], "#888888")
            kw = _e(g["keyword"])
            text = text.replace(
                kw,
                f"<span class='kw' style='background:{pale(c, 0.35)};border-bottom:2px solid {c}'"
                f" title='{_e(g['agency'])}'>{kw}</span>",
                1,
            )
        parts.append(f"<span class='{g['kind']}'>{text}</span>")
    return " ".join(parts)


def _timeline(terms: list[dict[str, Any]]) -> str:
    colors = agency_colors()
    cells = []
    for t in terms:
        if t["chair"] is None:
            cells.append(
                f"<div class='vacant' title='{_e(t['term'])}: vacant'>{_e(t['term'])}</div>"
            )
        else:
            c = colors.get(t["chair"], "#888888")
            mark = " ⚔" if t["contested"] else ""
            cells.append(
                f"<div style='background:{pale(c, 0.45)};border:1px solid {c}' "
                f"title='{_e(t['term'])}: {_e(t['chair'])}, {t['vacant_months']} months vacant'>"
                f"{_e(t['term'])}<br><b>{_e(t['chair'])}</b>{mark}</div>"
            )
    return "<div class='timeline'>" + "".join(cells) + "</div>"


def _trust_svg(a: list[float], b: list[float]) -> str:
    w, h, pad = 560, 160, 28
    values = [v for v in a + b if v == v] or [0.0, 1.0]
    lo, hi = min(values), max(values)
    if hi - lo < 1e-9:
        lo, hi = lo - 0.05, hi + 0.05
    n = max(len(a), len(b), 2)

    def line(series: list[float], colour: str, dash: str) -> str:
        pts = " ".join(
            f"{pad + i * (w - 2 * pad) / (n - 1):.1f},"
            f"{h - pad - (v - lo) / (hi - lo) * (h - 2 * pad):.1f}"
            for i, v in enumerate(series)
        )
        return (
            f"<polyline fill='none' stroke='{colour}' stroke-width='2.5' "
            f"stroke-dasharray='{dash}' points='{pts}'/>"
        )

    return (
        f"<svg viewBox='0 0 {w} {h}' width='100%' style='max-width:{w}px' role='img' "
        "aria-label='Trust between members, month by month'>"
        f"<rect x='{pad}' y='{pad // 2}' width='{w - 2 * pad}' height='{h - 1.5 * pad}' "
        "fill='#fafbfc' stroke='#dde'/>"
        f"<text x='{pad}' y='{h - 6}' font-size='11'>month 1</text>"
        f"<text x='{w - pad - 50}' y='{h - 6}' font-size='11'>month {n}</text>"
        f"<text x='2' y='{pad}' font-size='11'>{hi:.2f}</text>"
        f"<text x='2' y='{h - pad}' font-size='11'>{lo:.2f}</text>"
        + line(b, "#999999", "6 4")
        + line(a, "#0072B2", "")
        + "</svg><div class='muted'>blue: the class · grey, dashed: the model only</div>"
    )


def debrief_page(d: dict[str, Any], *, exports: str | None = None) -> str:
    """The debrief page from :func:`gmg_sim.classroom.web.debrief_data`'s dictionary."""
    st = d["status"]
    rows = []
    for r in d["outcomes"]:
        diff = r["difference"]
        # green where the class did better than the model (the registry's direction), red
        # where worse; a descriptive indicator's difference stays uncoloured
        sign = {"higher": 1, "lower": -1}.get(r.get("better") or "", 0) * diff
        cls = "diff-pos" if sign > 0 else "diff-neg" if sign < 0 else ""
        rows.append(
            f"<tr><td>{_e(r['label'])}</td><td>{_fmt(r['class'])}</td>"
            f"<td>{_fmt(r['model_only'])}</td><td class='{cls}'>{_fmt(diff, True)}</td></tr>"
        )
    outcomes = (
        "<table><tr><th>Indicator</th><th>The class</th><th>The model only</th>"
        "<th>Difference</th></tr>" + "".join(rows) + "</table>"
    )

    def statements_html(sts: list[dict[str, Any]]) -> str:
        if not sts:
            return "<p class='muted'>No statement was drafted.</p>"
        out = []
        for s in sts:
            outcome = s["status"]
            if s["status"] == "failed":
                outcome += (
                    f" ({s['reason']}{': ' + ', '.join(s['blockers']) if s['blockers'] else ''})"
                )
            when = f", {s['decided']}" if s["decided"] else ""
            out.append(
                f"<div style='margin-bottom:10px'><b>{_e(s['title'])}</b> — {_e(outcome)}{when}; "
                f"{s['words']} words, {s['rounds']} rounds<div class='draft'>"
                f"{_draft_html(s['segments'])}</div></div>"
            )
        return "".join(out)

    choice_rows = "".join(
        f"<tr><td>{_e(c['month'])}</td><td><b>{_e(c['agency'])}</b></td><td>{_e(c['question'])}"
        f"<br><span class='muted'>{_e(c['context'])}</span></td><td>{_e(c['answer'])}</td>"
        f"<td>{_e(c['by'])}</td><td>{_e(c['model_would'])}"
        f"{'' if c['same_as_model'] else ' <b>(differs)</b>'}</td>"
        f"<td>{_e(c['consequence'])}{'' if c['applied'] else ' <i>(not needed)</i>'}</td></tr>"
        for c in d["choices"]
    )
    choices = (
        "<table><tr><th>Month</th><th>Agency</th><th>Choice</th><th>Answer</th><th>By</th>"
        "<th>The model's rule</th><th>What came of it</th></tr>" + choice_rows + "</table>"
        if d["choices"]
        else "<p class='muted'>No agency was played by students.</p>"
    )
    export_html = f"<p>Export: {exports}</p>" if exports else ""
    body = f"""
<header><h1>Debrief · gmg-sim classroom</h1><span class='status'>{_e(st["scenario"])} · seed
{st["seed"]} · {st["months_done"]} months played · {_e(st["phase"])}</span></header>
<main id='debrief'>
<div class='card'><p>The class's run beside the model-only run: the same scenario, seed and
months; every draw is the same, so the differences come from the choices the students made
where the model's rule would have chosen otherwise.</p>{export_html}</div>
<div class='grid'>
<div class='card'><h2>Outcomes</h2>{outcomes}</div>
<div class='card'><h2>Trust between members</h2>{_trust_svg(d["trust"]["class"], d["trust"]["model"])}
<h2 style='margin-top:10px'>Secretariat</h2><p>The class: {_e(d["secretariat"]["class"])}<br>
The model only: {_e(d["secretariat"]["model"])}</p></div>
</div>
<div class='card'><h2>Chair timeline</h2><p class='muted'>The class:</p>{_timeline(d["terms"]["class"])}
<p class='muted'>The model only:</p>{_timeline(d["terms"]["model"])}</div>
<div class='card'><h2>Each agency's choices and what came of them</h2>{choices}</div>
<div class='grid'>
<div class='card'><h2>Statements: the class</h2>{statements_html(d["statements"]["class"])}</div>
<div class='card'><h2>Statements: the model only</h2>{statements_html(d["statements"]["model"])}</div>
</div>
</main>"""
    return _page("gmg-sim classroom: debrief", body)


def _fmt(x: Any, signed: bool = False) -> str:
    if x is None or (isinstance(x, float) and x != x):
        return "–"
    x = float(x)
    sign = "+" if signed else ""
    if abs(x - round(x)) < 1e-9:
        return f"{x:{sign},.0f}"
    return f"{x:{sign}.3f}"
