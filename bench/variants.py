"""Quick variant sweep (dev only)."""
import sys, os
sys.argv=[sys.argv[0]]
import bench.harness as h
import crawler.extraction.generic as g
import score
data=h.load()
import time, json
configs=json.loads(os.environ.get("CONFIGS",'[["none",{}],["filter",{}]]'))
for mode,opts in configs:
    g.MODE=mode; g.OPTIONS=opts
    for k,v in opts.pop('_g',{}).items(): setattr(g,k,v)
    for ds,pages in data.items():
        preds,secs=h.run(g.generic_text,pages)
        sc=[score.score_page(pg.gold,preds[pg.page_id],4) for pg in pages]
        m=score.aggregate(sc)
        print(f"{mode:8s} {g.FRAC} {json.dumps(opts):40s} {ds:16s} P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f} even={h.agg(sc[0::2]):.3f} odd={h.agg(sc[1::2]):.3f} pps={len(pages)/secs:.1f}",flush=True)
        json.dump({pg.page_id:(s.precision,s.recall,preds[pg.page_id]) for pg,s in zip(pages,sc)},open(f"/tmp/var_{mode}_{ds}.json","w"),ensure_ascii=False)
