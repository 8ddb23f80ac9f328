#!/usr/bin/env python3
"""vaultlint benchmark vault generator (Python 3.11+, standard library only).

    python3 bench/genvault.py --notes N --out DIR [--seed S] [--broken-rate R]

Writes an Obsidian-style research vault: notes about companies, funds, people,
topics, papers, markets and meetings spread over nested folders, plus a few PNG
attachments.  Every note has YAML frontmatter (aliases, tags), a line of inline
#tags, `##` sections (and a few `###`), tables whose figures agree with each
other (funding rounds add up to the amount raised, revenue segments add up to
the revenue and to 100%, the same valuation everywhere, cross-note quotes match
the quoted note), block ids (`^id`), wikilinks in all the usual forms
([[Note]], [[Note|shown]], [[Note#Heading]], [[Note#^block]], [[#Heading]],
[[Folder/Note]], [[Note\\|shown]] inside tables), embeds of notes and of
attachments, markdown links ([t](../Folder/Note%20Name.md#github-slug)),
external links and a closing `*Updated YYYY-MM-DD*` line.

About --broken-rate of the links are broken on purpose.  Each planted break is
listed in DIR/.planted.json under "broken" as
{file, line, column, kind, link, target} (1-based line, 1-based column counted
in characters, `link` = the exact link text), in the same layout as the shared
generator (../shared/bench/genvault.py).  Kinds:
    wikilink-missing-note     [[Nonexistent Note]]
    wikilink-missing-heading  [[Existing Note#No Such Heading]]
    wikilink-missing-block    [[Existing Note#^nosuchid]]
    embed-missing-file        ![[not-there.png]]
    mdlink-missing-file       [t](../Folder/Nonexistent%20Note.md)
    mdlink-missing-fragment   [t](../Folder/Existing%20Note.md#no-such-slug)
Everything else resolves: a correct checker reports exactly the planted set.

Same --notes/--seed/--broken-rate give a byte-identical vault.
"""

import argparse
import json
import math
import os
import random
import shutil
import struct
import sys
import urllib.parse
import zlib

GENERATOR = "vaultlint bench/genvault.py"

# (folder, kind, weight)
FOLDERS = [
    ("Companies/AI Labs", "company", 9),
    ("Companies/Semiconductors", "company", 5),
    ("Companies/Software", "company", 8),
    ("Companies/Biotech", "company", 5),
    ("Companies/Energy", "company", 4),
    ("Companies/Fintech", "company", 4),
    ("Companies/Robotics", "company", 5),
    ("Investors", "fund", 6),
    ("People/Founders", "person", 6),
    ("People/Operators", "person", 3),
    ("Topics", "topic", 5),
    ("Papers", "paper", 4),
    ("Markets", "market", 3),
    ("Meetings/2024", "meeting", 2),
    ("Meetings/2025", "meeting", 3),
    ("Inbox", "company", 1),
]

SECTOR_OF = {
    "AI Labs": "ai", "Semiconductors": "chips", "Software": "software",
    "Biotech": "biotech", "Energy": "energy", "Fintech": "fintech",
    "Robotics": "robotics", "Inbox": "ai",
}

ENDINGS = {
    "ai": "AI Labs Intelligence Research Cognition Agents Models".split(),
    "chips": "Semi Silicon Photonics Devices Foundry Microsystems Circuits".split(),
    "software": "Software Cloud Data Systems Platforms Analytics Works".split(),
    "biotech": "Bio Therapeutics Genomics Health Medicines Diagnostics".split(),
    "energy": "Energy Power Fusion Grid Solar Hydrogen Storage".split(),
    "fintech": "Pay Finance Bank Ledger Markets Credit Capital".split(),
    "robotics": "Robotics Automation Machines Motion Dynamics Drones".split(),
}

STEMS = """Alder Amber Anvil Aria Arrow Aster Aurum Axle Bastion Bellwether Birchwood
Bluefin Bramble Brightline Cadence Caldera Canopy Capstone Cardinal Carrow Castor
Cedar Celadon Chorus Cirrus Clearwater Clover Cobalt Comet Condor Copperleaf Coral
Corvid Crescent Cypress Dapple Daybreak Driftwood Dune Eastgate Eider Elmstead Ember
Equinox Everfield Falcon Fennel Fernhill Firth Flint Foxglove Gable Garnet Glimmer
Goldfinch Granary Greywind Gull Halyard Harbor Hazel Heron Highland Hollow Ibis
Inlet Ironwood Ivory Jasper Juniper Keel Kestrel Kingfisher Lagoon Lark Laurel
Linden Lowland Lumen Lynx Magnolia Mallow Maple Marlin Meadow Merlin Millstone
Minnow Moraine Moss Nettle Northwind Oakhurst Obsidian Ochre Orchard Osprey Otter
Outpost Palisade Pebble Pelican Peregrine Pinecrest Plover Quarry Quince Rampart
Raven Redwood Reef Ridgeline Rook Rowan Saffron Sandpiper Sapphire Sequoia Shale
Silverline Skylark Slate Sorrel Sparrow Spruce Starling Stillwater Stonebridge
Sunbeam Swift Sycamore Talon Tamarack Teal Thistle Timber Topaz Trillium Tundra
Umber Upland Verdant Vireo Wayfarer Westbrook Wildflower Willowby Wren Yarrow Zinnia""".split()

MIDS = """Quantum Neural Signal Photon Vector Lattice Tensor Orbital Carbon Cortex
Helix Prism Kinetic Sparse Fusion Polar Cellular Ionic Nimbus Atlas Meridian
Beacon Cipher Relay Summit Vertex Radiant Granite Harbor Echo""".split()

FIRST = """Ada Adrian Aiko Alba Amaru Anders Anouk Arash Aurelio Ayodele Beatriz
Bogdan Bruno Caio Callum Carmen Cecile Chidi Chloe Dagny Dario Delphine Dmitri
Duc Eamon Efua Elif Emil Esme Ewa Fabian Femi Fiona Gideon Greta Hamid Hannelore
Hugo Ilse Imani Ingrid Isak Jaya Joaquin Jonah Jun Kalani Kasia Keanu Kirra Lachlan
Laila Leander Liesel Lorenzo Mado Malik Marisol Maya Minh Mirela Nadia Nasrin Niamh
Nico Oren Oksana Pablo Parisa Quinn Rasmus Renata Rhys Sabine Santiago Seo-yeon
Siddharth Solveig Tamsin Teodor Thandiwe Tobias Umar Valeria Vikram Wilhelmina
Xiomara Yannick Yasmin Zainab Zoë Søren José Łukasz Chloé Ngozi Björn""".split()

LAST = """Abiodun Achterberg Alcott Amundsen Arslan Aston Baptiste Barros Beaumont
Bertrand Bianchi Blackwood Borges Brandt Calloway Carvalho Castellano Chowdhury
Conway Dahlberg Delacroix Desai Dufresne Eklund Escobar Farouk Fairbairn Figueroa
Fitzgerald Galloway Gandhi Goldberg Greenaway Gunnarsson Halvorsen Hartmann Hayashi
Holloway Iwasaki Jablonski Jankowski Kamau Kapoor Karlsson Kovacs Lachance Lamarck
Lindgren Lombardi Macedo Marchetti Markovic Mbeki Montague Nakagawa Nieminen
Novotny Obradovic Ochoa Okonkwo Oyelowo Pacheco Pereira Petrovic Quintero Radcliffe
Rajan Ramaswamy Rasmussen Rinaldi Rutherford Sandoval Schreiber Sekibo Sorensen
Stavros Sundberg Takeda Thackeray Trevisan Underwood Valdivia Vasconcelos Villeneuve
Wakefield Weatherby Whitaker Wojcik Yamamoto Yeboah Zielinski Zubiri Østergaard
Müller Ibáñez""".split()

ADJ = """Agentic Sovereign Frontier Synthetic Sparse Multimodal Autonomous Federated
Neuromorphic Decentralized Generative Embedded Industrial Vertical Regulated Green
Circular Distributed Hybrid Modular Adaptive Open Private Low-latency High-margin
Capital-light Long-horizon Compute-bound Onshore Post-training Small-model
Edge Photonic Quantum-safe Grid-scale Clinical Programmable Tokenized Orbital
Humanoid""".split()

NOUN = """inference training compute robotics fabs datacenters batteries agents
copilots marketplaces payments lending insurance genomics diagnostics satellites
drones logistics manufacturing alignment evaluation benchmarks datasets licensing
open-weights distillation reasoning memory networking cooling interconnects
packaging lithography storage sensing actuators biologics vaccines stablecoins
custody underwriting microgrids transmission reactors""".split()

TOPIC_TAIL = ["economics", "adoption", "regulation", "supply chains", "unit costs",
              "talent pool", "standards", "pricing", "moats", "playbook"]

VERBS = """Scaling Routing Compressing Aligning Distilling Pruning Steering Grounding
Caching Verifying Planning Sampling""".split()
METHODS = """learned routers curriculum mixing synthetic feedback sparse experts
speculative decoding retrieval memory low-rank adapters process rewards tree search
contrastive pretraining""".split()
METHODS = [" ".join(METHODS[i:i + 2]) for i in range(0, len(METHODS), 2)]

COUNTRIES = """USA Canada Mexico Brazil Chile Argentina UK Ireland France Germany
Netherlands Belgium Switzerland Austria Italy Spain Portugal Poland Czechia Sweden
Norway Finland Denmark Estonia Israel UAE Saudi-Arabia Egypt Nigeria Kenya India
Singapore Indonesia Vietnam Japan Korea Taiwan China Australia New-Zealand""".split()
ASPECTS = """policy funding landscape talent export-rules subsidies outlook
regulation infrastructure exits""".split()
SECTORS = ["AI", "chips", "software", "biotech", "energy", "fintech", "robotics",
           "quantum", "space", "defense", "climate", "health"]

TAGS = """actor private public ai chips software biotech energy fintech robotics
europe asia americas watchlist infra enterprise consumer defense climate thesis
hype moat policy talent""".split()

TAGLINES = ["the picks and shovels of its niche", "a quiet compounder",
            "the default API for the category", "a national champion",
            "the open alternative", "the plumbing nobody sees", "a bet on agents",
            "the low-cost challenger", "the neutral platform", "a data refinery",
            "the incumbent to beat", "a category creator"]
BULLETS = [
    "Usage-based pricing", "Strong developer community", "On-prem deployments",
    "Custom silicon roadmap", "Vertical integration", "Government contracts",
    "Partnerships with hyperscalers", "Talent density", "Fast shipping cadence",
    "Regulatory tailwinds", "Distribution through APIs", "Hardware-software co-design",
    "Data flywheel from users", "Network effects", "Low customer concentration",
    "Margins improving quarter over quarter", "Cloud-agnostic", "Capital intensive",
    "Dependent on GPU supply", "Key-person risk", "Export-control exposure",
    "Pricing pressure from peers", "Long sales cycles", "Open-source community",
    "Sticky enterprise contracts", "Proprietary datasets", "Patent portfolio",
    "Expanding into adjacent markets", "Unproven unit economics", "Heavy R&D spend",
]
EVENTS = ["founded", "first product", "seed round", "first enterprise customer",
          "opened second office", "Series A", "launched API", "crossed 100 customers",
          "Series B", "first acquisition", "expanded to Europe", "Series C",
          "launched hardware", "profitable quarter", "growth round"]
ROLES = ["CEO", "CTO", "CFO", "COO", "Chief Scientist", "VP Engineering",
         "Head of Research", "General Partner", "Board member", "Advisor"]
RELATION = ["investor", "competitor", "partner", "customer", "supplier",
            "portfolio company", "board member", "acquirer", "spin-out", "peer"]
ROUNDS = ["Seed", "Series A", "Series B", "Series C", "Series D", "Series E",
          "Growth", "Pre-IPO"]
TIERS = [("Free", "$0", "Community edition"), ("Pro", "$20/mo", "Individual use"),
         ("Team", "$45/seat", "Shared workspaces"), ("Enterprise", "Custom", "Private deployment"),
         ("API", "Per token", "Metered access"), ("Gov", "Custom", "Air-gapped install")]
SEGMENTS = ["Platform", "Services", "Hardware", "Licensing", "API", "Consulting",
            "Marketplace", "Support"]
FOCUS = ["Models", "Chips", "Inference", "Training", "Data", "Robots", "Payments",
         "Storage", "Security", "Tooling", "Clinical"]
BENCHES = ["MMLU-X", "CodeArena", "LongCtx-64k", "ToolUse-Bench", "MathProof",
           "VisionQA", "AgentSuite", "SafetyEval"]

# Headings that never occur in any generated note; used for planted breaks.
BAD_HEADINGS = ["History", "Valuation history", "Leadership team", "Outlook 2030",
                "Controversies", "Exit scenarios", "Legal matters"]
BAD_SLUGS = ["history", "valuation-history", "leadership-team", "outlook-2030",
             "controversies", "exit-scenarios"]
NAMED_BLOCKS = {"intro": ["thesis", "tldr", "pitch"],
                "lead": ["key-fact", "context", "lead"],
                "table": ["figures", "key-figures", "numbers"]}
ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def attachment_list():
    out = [("Attachments", "figure-%02d.png" % i) for i in range(1, 21)]
    out += [("Attachments/Charts", "chart-%s.png" % w) for w in
            ("revenue", "funding", "headcount", "share", "pipeline", "capex", "margins", "users")]
    out += [("Attachments/Logos", "logo-%s.png" % w.lower()) for w in STEMS[:6]]
    return out


ATTACHMENTS = attachment_list()
ATTACHMENT_NAMES = {name for _, name in ATTACHMENTS}


def github_slug(text):
    """GitHub-style heading anchor: lowercase; keep letters, digits, '-' and
    '_'; each space becomes '-'; everything else is dropped (so
    'Risks & mitigations' -> 'risks--mitigations')."""
    return "".join("-" if c == " " else c for c in text.lower()
                   if c.isalnum() or c in "-_ ")


def money(m):
    """Millions of dollars -> '$396M' or '$4.5B' (amounts >= 1000 are multiples of 100)."""
    if m >= 1000:
        s = "%.1f" % (m / 1000.0)
        return "$%sB" % (s[:-2] if s.endswith(".0") else s)
    return "$%dM" % m


def round_money(m):
    m = int(m)
    return max(100, int(round(m / 100.0)) * 100) if m >= 1000 else max(1, m)


def split_total(rng, total, k, unit):
    """k positive parts that add up exactly to total (a multiple of unit), largest first."""
    units = total // unit
    k = max(1, min(k, units))
    cuts = sorted(rng.sample(range(1, units), k - 1)) if k > 1 else []
    edges = [0] + cuts + [units]
    return sorted(((b - a) * unit for a, b in zip(edges, edges[1:])), reverse=True)


def href(from_folder, to_path):
    rel = os.path.relpath(to_path, from_folder)
    return urllib.parse.quote(rel.replace(os.sep, "/"), safe="/")


def png_bytes(index):
    """A small valid RGB PNG (bar-chart-like pattern), different for each index."""
    w, h = 24, 16
    rows = []
    for y in range(h):
        row = bytearray(b"\x00")
        for x in range(w):
            bar = (x // 4 + index) % 6
            on = (h - y) <= 3 + bar * 2
            row += bytes((40 + (index * 53) % 200, 90 + bar * 25, 200)) if on else b"\xff\xff\xff"
        rows.append(bytes(row))

    def chunk(tag, data):
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


class Note:
    __slots__ = ("idx", "name", "folder", "kind", "sector", "aliases", "sections",
                 "headings", "blocks", "path", "figs", "about")

    def __init__(self, idx, folder, kind):
        self.idx = idx
        self.folder = folder
        self.kind = kind
        self.sector = SECTOR_OF.get(folder.rsplit("/", 1)[-1], "ai")
        self.figs = None
        self.about = None


class Broken:
    __slots__ = ("kind", "link", "target", "line", "column")

    def __init__(self, kind, link, target):
        self.kind, self.link, self.target = kind, link, target
        self.line = self.column = 0


class Vault:
    def __init__(self, n, seed, broken_rate):
        self.n = n
        self.seed = seed
        self.rate = broken_rate
        self.rng = random.Random("vaultlint-bench:%d" % seed)
        self.used = set()  # lowercased names taken (membership tests only)
        self.notes = []
        self.by_kind = {}
        self.planted = []  # breaks placed in the note being rendered
        self.records = []  # all breaks, for .planted.json
        self.unplaced = []
        self.count = {}

    def bump(self, key, k=1):
        self.count[key] = self.count.get(key, 0) + k

    # ------------------------------------------------------------------ names
    def _candidate(self, note):
        r = self.rng
        kind = note.kind
        if kind == "company":
            end = r.choice(ENDINGS[note.sector])
            if r.random() < 0.4:
                return "%s %s" % (r.choice(STEMS), end)
            return "%s %s %s" % (r.choice(STEMS), r.choice(MIDS), end)
        if kind == "fund":
            x = r.random()
            if x < 0.35:
                return "%s & %s Capital" % (r.choice(LAST), r.choice(LAST))
            return "%s %s" % (r.choice(STEMS), r.choice(
                ["Ventures", "Capital", "Partners", "Growth Fund", "Investments", "Fund II"]))
        if kind == "person":
            if r.random() < 0.8:
                return "%s %s" % (r.choice(FIRST), r.choice(LAST))
            return "%s %s. %s" % (r.choice(FIRST), r.choice("ABCDEFGHJKLMNPRSTVW"), r.choice(LAST))
        if kind == "topic":
            if r.random() < 0.3:
                return "%s %s" % (r.choice(ADJ), r.choice(NOUN))
            return "%s %s %s" % (r.choice(ADJ), r.choice(NOUN), r.choice(TOPIC_TAIL))
        if kind == "paper":
            return "%s %s %s with %s (%d)" % (r.choice(VERBS), r.choice(ADJ).lower(),
                                               r.choice(NOUN), r.choice(METHODS),
                                               r.randint(2019, 2025))
        if kind == "market":
            return "%s %s %s" % (r.choice(COUNTRIES), r.choice(SECTORS), r.choice(ASPECTS))
        # meeting
        year = note.folder[-4:]
        companies = self.by_kind.get("company")
        note.about = self.notes[r.choice(companies)] if companies else None
        co = note.about.name if companies else r.choice(STEMS)
        day = "%s-%02d-%02d" % (year, r.randint(1, 12), r.randint(1, 28))
        return r.choice(["%s Call with %s", "%s %s sync", "%s %s board prep"]) % (day, co)

    def new_name(self, note):
        for _ in range(30):
            name = self._candidate(note)
            if name.lower() not in self.used:
                break
        else:
            base = self._candidate(note)
            k = 2
            while ("%s %d" % (base, k)).lower() in self.used:
                k += 1
            name = "%s %d" % (base, k)
        self.used.add(name.lower())
        return name

    def missing_name(self):
        """A near-miss of a real note name that matches no note (any case)."""
        r = self.rng
        for _ in range(50):
            base = self.notes[r.randrange(self.n)].name
            i = r.randrange(1, len(base) - 1)
            op = r.random()
            if op < 0.35:
                name = base[:i] + base[i + 1:]
            elif op < 0.6:
                name = base[:i] + base[i] + base[i:]
            elif op < 0.8 and base[i].isalpha() and base[i + 1].isalpha():
                name = base[:i] + base[i + 1] + base[i] + base[i + 2:]
            else:
                name = "%s %s" % (base, r.choice(["Holdings", "Old", "Draft", "Inc", "v2"]))
            if (name == name.strip() and "  " not in name and name.lower() not in self.used
                    and not name.endswith(".")):
                return name
        return "Unwritten note %d" % r.randrange(10 ** 6)

    # ------------------------------------------------------------------ plan
    def plan(self):
        r = self.rng
        folders = [f for f, _, _ in FOLDERS]
        weights = [w for _, _, w in FOLDERS]
        kinds = {f: k for f, k, _ in FOLDERS}
        picks = r.choices(folders, weights, k=self.n)
        # meetings last, so that they can be named after companies
        order = sorted(range(self.n), key=lambda i: kinds[picks[i]] == "meeting")
        self.notes = [Note(i, picks[i], kinds[picks[i]]) for i in range(self.n)]
        for note in self.notes:
            self.by_kind.setdefault(note.kind, []).append(note.idx)
        for i in order:
            note = self.notes[i]
            note.name = self.new_name(note)
            note.path = "%s/%s.md" % (note.folder, note.name)
            note.aliases = self.aliases_for(note)
            note.sections = self.sections_for(note)
            note.headings = [h for _, h, _ in note.sections] + [
                h for _, _, subs in note.sections for h in subs]
            slots = [s for s in ("intro", "lead", "table") if r.random() < 0.55] or ["lead"]
            note.blocks = {}
            for s in slots:
                if r.random() < 0.5:
                    note.blocks[s] = r.choice(NAMED_BLOCKS[s])
                else:
                    note.blocks[s] = "".join(r.choices(ALNUM, k=6))

    def aliases_for(self, note):
        words = [w for w in note.name.replace("-", " ").split() if w[:1].isalpha()]
        if note.kind in ("company", "fund"):
            acro = "".join(w[0] for w in words).upper()
            return [acro] if len(acro) >= 2 else []
        if note.kind == "person":
            return [words[-1]] if words else []
        if note.kind == "topic" and self.rng.random() < 0.5:
            return [note.name.lower()]
        return []

    def sections_for(self, note):
        """[(key, heading, [subheadings])] in order."""
        r = self.rng
        k = note.kind
        yr = r.choice([2024, 2025])
        if k == "company":
            opt = [("revenue", "Revenue model"), ("segments", "Revenue by segment (FY%d)" % yr),
                   ("tech", r.choice(["Technology stack", "Technical edge"])),
                   ("compete", "Competitive landscape"), ("people", "Key people"),
                   ("case", "Investment case"), ("risks", "Risks & mitigations"),
                   ("timeline", "Timeline"), ("dev", "%d developments" % yr)]
            body = [opt[i] for i in sorted(r.sample(range(len(opt)), r.randint(6, 8)))]
            secs = [("why", "Why %s matters" % note.name),
                    ("model", r.choice(["Business model", "Platform model", "Product lineup"])),
                    ("funding", "Funding")] + body + [("stats", "Quick stats"), ("related", "Related")]
        elif k == "fund":
            opt = [("record", "Track record"), ("risks", "Risks & mitigations"),
                   ("timeline", "Timeline"), ("case", "Investment case")]
            body = [opt[i] for i in sorted(r.sample(range(len(opt)), r.randint(1, 3)))]
            secs = [("why", "Why %s matters" % note.name), ("strategy", "Strategy"),
                    ("notes", "Thesis"),
                    ("portfolio", "Portfolio"), ("vintages", "Fund history"),
                    ("partners", "Partners")] + body + [("stats", "Quick stats"), ("related", "Related")]
        elif k == "person":
            opt = [("investments", "Angel investments"), ("boards", "Board seats"),
                   ("views", "Views"), ("timeline", "Timeline")]
            body = [opt[i] for i in sorted(r.sample(range(len(opt)), r.randint(3, 4)))]
            secs = [("profile", "Profile"), ("notes", "Background"), ("career", "Career")] + body + [
                ("notes", "Working style"),
                ("stats", "Quick stats"), ("related", "Related")]
        elif k == "topic":
            opt = [("questions", "Open questions"), ("reading", "Reading list"),
                   ("risks", "Risks & mitigations"), ("dev", "%d developments" % yr),
                   ("case", "Investment case")]
            body = [opt[i] for i in sorted(r.sample(range(len(opt)), r.randint(3, 5)))]
            secs = [("summary", "Summary"), ("notes", "Why it matters"), ("players", "Key players"),
                    ("size", "Market size")] + body + [("related", "Related")]
        elif k == "paper":
            opt = [("critique", "Critique"), ("followups", "Follow-ups"),
                   ("reading", "Reading list")]
            body = [opt[i] for i in sorted(r.sample(range(len(opt)), r.randint(1, 3)))]
            secs = [("abstract", "Abstract"), ("notes", "Findings"), ("results", "Key results"),
                    ("method", "Method"), ("notes", "Limitations"),
                    ("authors", "Authors")] + body + [("related", "Related")]
        elif k == "market":
            opt = [("policy", "Policy"), ("questions", "Open questions"),
                   ("dev", "%d developments" % yr)]
            body = [opt[i] for i in sorted(r.sample(range(len(opt)), r.randint(2, 3)))]
            secs = [("snapshot", "Snapshot"), ("notes", "Why it matters"), ("flows", "Capital flows"),
                    ("players", "Key players")] + body + [("notes", "Outlook"), ("related", "Related")]
        else:
            opt = [("figures", "Figures mentioned"), ("questions", "Open questions")]
            body = opt
            secs = [("context", "Context"), ("attendees", "Attendees"), ("notes", "Notes"),
                    ("notes", "Decisions"), ("actions", "Action items")] + body + [("related", "Related")]
        secs.insert(len(secs) - 1, ("sources", "Sources"))
        return [(key, head, ["Bull case", "Bear case"] if key == "case" else [])
                for key, head in secs]

    # --------------------------------------------------------------- figures
    def figures(self, note):
        """Per-note figures, derived from (seed, note index) only, so that other
        notes can quote them exactly."""
        if note.figs is None:
            g = random.Random(self.seed * 1000003 + note.idx * 7 + 1)
            val = round_money(math.exp(g.uniform(math.log(60), math.log(150000))))
            raised = round_money(max(5, val * g.uniform(0.04, 0.3)))
            rev = val / g.uniform(6, 60)
            rev = max(2000, int(round(rev / 2000.0)) * 2000) if rev >= 1000 \
                else max(20, int(round(rev / 20.0)) * 20)
            founded = g.randint(1998, 2022)
            note.figs = {"val": val, "raised": raised, "rev": rev, "founded": founded,
                         "staff": min(180000, max(6, int(val * g.uniform(0.2, 2.5)))), "hq": g.choice(COUNTRIES),
                         "growth": g.randint(8, 300), "aum": round_money(val * g.uniform(0.5, 4)),
                         "cites": g.randint(3, 9000), "year": founded}
        return note.figs

    # ----------------------------------------------------------------- links
    def target(self, me, kind=None):
        r = self.rng
        pool = self.by_kind.get(kind) if kind else None
        if pool and len(pool) > 1:
            j = pool[r.randrange(len(pool))]
        elif r.random() < 0.5:
            j = (me.idx + r.randint(1, 80)) % self.n
        else:
            j = r.randrange(self.n)
        if j == me.idx:
            j = (j + 1) % self.n
        return self.notes[j]

    def broken(self, kind, link, target):
        b = Broken(kind, link, target)
        self.unplaced.append(b)
        self.bump("broken:" + kind)
        return link

    def wikilink(self, me, kind=None, table=False, shown=None):
        """One wikilink to another note (or to a heading/block of me)."""
        r = self.rng
        t = self.target(me, kind)
        bar = "\\|" if table else "|"
        self.bump("wikilinks")
        if r.random() < self.rate:
            x = r.random()
            if x < 0.45:
                name = self.missing_name()
                if r.random() < 0.3:
                    return self.broken("wikilink-missing-note", "[[%s%s%s]]" % (
                        name, bar, shown or t.name.split()[0]), name)
                return self.broken("wikilink-missing-note", "[[%s]]" % name, name)
            if x < 0.75:
                head = r.choice(BAD_HEADINGS)
                tgt = "%s#%s" % (t.name, head) if r.random() < 0.85 else "#" + head
                return self.broken("wikilink-missing-heading", "[[%s]]" % tgt, tgt)
            while True:
                bid = "".join(r.choices(ALNUM, k=7))
                if bid not in t.blocks.values():
                    break
            tgt = "%s#^%s" % (t.name, bid)
            return self.broken("wikilink-missing-block", "[[%s]]" % tgt, tgt)
        x = r.random()
        if shown is not None:
            self.bump("wikilinks:alias")
            return "[[%s%s%s]]" % (t.name, bar, shown)
        if x < 0.50:
            self.bump("wikilinks:plain")
            return "[[%s]]" % t.name
        if x < 0.64:
            self.bump("wikilinks:alias")
            disp = r.choice(t.aliases + [t.name.lower(), "this note", "see here"])
            return "[[%s%s%s]]" % (t.name, bar, disp)
        if x < 0.76:
            self.bump("wikilinks:heading")
            h = r.choice(t.headings)
            if r.random() < 0.25:
                return "[[%s#%s%s%s]]" % (t.name, h, bar, h.lower())
            return "[[%s#%s]]" % (t.name, h)
        if x < 0.84:
            self.bump("wikilinks:block")
            bid = r.choice(list(t.blocks.values()))
            if r.random() < 0.3:
                return "[[%s#^%s%s%s]]" % (t.name, bid, bar, "quote")
            return "[[%s#^%s]]" % (t.name, bid)
        if x < 0.93:
            self.bump("wikilinks:path")
            return "[[%s/%s]]" % (t.folder, t.name)
        if x < 0.97:
            self.bump("wikilinks:self-heading")
            return "[[#%s]]" % r.choice(me.headings)
        self.bump("wikilinks:self-block")
        return "[[#^%s]]" % r.choice(list(me.blocks.values()))

    def embed(self, me):
        r = self.rng
        self.bump("embeds")
        if r.random() < self.rate:
            name = r.choice(["figure-%02d-v2.png" % r.randint(1, 40),
                             "chart-%s-old.png" % r.choice(NOUN),
                             "Pasted image %d%06d.png" % (r.randint(2023, 2025), r.randrange(10 ** 6))])
            return self.broken("embed-missing-file", "![[%s]]" % name, name)
        x = r.random()
        if x < 0.45:
            self.bump("embeds:attachment")
            folder, name = r.choice(ATTACHMENTS)
            y = r.random()
            if y < 0.2:
                return "![[%s|%d]]" % (name, r.choice([240, 320, 480, 640]))
            if y < 0.35:
                return "![[%s/%s]]" % (folder, name)
            return "![[%s]]" % name
        if x < 0.6:
            self.bump("embeds:md-image")
            folder, name = r.choice(ATTACHMENTS)
            return "![%s](%s)" % (name[:-4].replace("-", " "),
                                  href(me.folder, "%s/%s" % (folder, name)))
        self.bump("embeds:note")
        t = self.target(me)
        y = r.random()
        if y < 0.5:
            return "![[%s]]" % t.name
        if y < 0.8:
            return "![[%s#%s]]" % (t.name, r.choice(t.headings))
        return "![[%s#^%s]]" % (t.name, r.choice(list(t.blocks.values())))

    def mdlink(self, me):
        r = self.rng
        self.bump("mdlinks")
        t = self.target(me)
        label = r.choice([t.name, "details", "profile", "background", "the note"])
        if r.random() < self.rate:
            if r.random() < 0.5:
                miss = "%s/%s.md" % (t.folder, self.missing_name())
                h = href(me.folder, miss)
                return self.broken("mdlink-missing-file", "[%s](%s)" % (label, h), h)
            h = "%s#%s" % (href(me.folder, t.path), r.choice(BAD_SLUGS))
            return self.broken("mdlink-missing-fragment", "[%s](%s)" % (label, h), h)
        h = href(me.folder, t.path)
        if r.random() < 0.4:
            self.bump("mdlinks:fragment")
            h += "#" + github_slug(r.choice(t.headings))
        return "[%s](%s)" % (label, h)

    # ------------------------------------------------------------ rendering
    def emit(self, *lines):
        L = self.L
        for line in lines:
            L.append(line)
            if self.unplaced:
                rest, pos = [], 0
                for b in self.unplaced:
                    col = line.find(b.link, pos)
                    if col < 0:
                        rest.append(b)
                        continue
                    b.line, b.column = len(L), col + 1
                    pos = col + len(b.link)
                    self.planted.append(b)
                self.unplaced = rest

    def table(self, header, rows):
        self.emit("| %s |" % " | ".join(header),
                  "|%s|" % "|".join("-" * (len(h) + 2) for h in header))
        for row in rows:
            self.emit("| %s |" % " | ".join(row))
        self.bump("tables")

    def bullets(self, k):
        self.emit(*("- " + b for b in self.rng.sample(BULLETS, k)))

    def block_suffix(self, me, slot):
        bid = me.blocks.get(slot)
        return " ^" + bid if bid else ""

    def render(self, me):
        r = self.rng
        self.L = []
        f = self.figures(me)
        tags = sorted(r.sample(TAGS, r.randint(3, 6)), key=TAGS.index)
        fm_tags = [me.kind] + tags[:2]
        tags = [me.kind] + tags
        self.emit("---")
        if me.aliases and r.random() < 0.3:
            self.emit("aliases:", *("  - %s" % a for a in me.aliases))
        else:
            self.emit("aliases: [%s]" % ", ".join(me.aliases))
        self.emit("tags: [%s]" % ", ".join(fm_tags),
                  "created: %d-%02d-%02d" % (r.choice([2023, 2024]), r.randint(1, 12), r.randint(1, 28)),
                  "---")
        self.emit(" ".join("#" + t for t in tags), "")
        self.intro(me, f)
        self.emit("", "---", "")

        n_md = r.randint(1, 3)
        n_embed = r.choices([0, 1, 2, 3], [30, 40, 20, 10])[0]
        keys = [k for k, _, _ in me.sections[1:] if k != "related"]
        md_at = r.sample(keys, min(n_md, len(keys)))
        embed_at = r.sample(keys, min(n_embed, len(keys)))
        self.links_used = 0
        self.links_wanted = r.randint(10, 20)
        for key, head, _subs in me.sections:
            self.emit("## " + head, "")
            getattr(self, "sec_" + key)(me, f)
            if key in md_at:
                self.emit("", r.choice(["See %s for context.", "More in %s.",
                                        "Compare %s."]) % self.mdlink(me))
            if key in embed_at:
                self.emit("", self.embed(me))
            if key != "related":
                self.emit("", "---", "")
        self.emit("", "*Updated %d-%02d-%02d*" % (r.choice([2025, 2025, 2026]),
                                                  r.randint(1, 12), r.randint(1, 28)))
        if self.unplaced:
            raise AssertionError("unplaced links in %s: %r" % (me.path, self.unplaced[0].link))
        self.bump("headings", len(me.headings))
        return self.L

    def link(self, me, kind=None, table=False, shown=None):
        self.links_used += 1
        return self.wikilink(me, kind, table, shown)

    def intro(self, me, f):
        r = self.rng
        k = me.kind
        if k == "company":
            text = '**%s** — "%s." %s valuation, %s raised, {:,} people.'.format(f["staff"]) % (
                me.name, r.choice(TAGLINES), money(f["val"]), money(f["raised"]))
        elif k == "fund":
            text = "**%s** — %s AUM, writes %s checks in %s." % (
                me.name, money(f["aum"]), r.choice(["seed", "early", "growth", "late-stage"]),
                r.choice(SECTORS))
        elif k == "person":
            text = "**%s** — %s, based in %s." % (me.name, r.choice(ROLES), f["hq"])
        elif k == "topic":
            text = "**%s** — a %s market growing %d%% a year." % (
                me.name, money(f["val"]), f["growth"])
        elif k == "paper":
            text = "**%s** — %d citations. %s" % (me.name, f["cites"], r.choice(
                ["Widely cited.", "Contested results.", "Strong ablations.", "Short but dense."]))
        elif k == "market":
            text = "**%s** — %s of venture funding since %d." % (
                me.name, money(f["raised"]), f["founded"])
        else:
            text = "**%s** — %d minutes, %s." % (me.name, r.choice([25, 30, 45, 60]),
                                                 r.choice(["video call", "in person", "phone"]))
        self.emit(text + self.block_suffix(me, "intro"))

    def lead_and_table(self, me, lead, rows):
        self.emit(lead + self.block_suffix(me, "lead"), "")
        self.table(["Metric", "Value"], rows)
        if "table" in me.blocks:
            self.emit("", "^" + me.blocks["table"])

    # ----- company
    def sec_why(self, me, f):
        r = self.rng
        if me.kind == "fund":
            self.lead_and_table(me, "%s backs %s founders early and follows on." % (
                me.name, r.choice(SECTORS)), [
                ("Assets under management", money(f["aum"])),
                ("Funds raised", str(f["staff"] % 6 + 2)),
                ("Founded", str(f["founded"])), ("HQ", f["hq"])])
            return
        self.lead_and_table(me, "The %s %s in %s:" % (
            r.choice(["company", "team", "lab", "platform"]),
            r.choice(["everyone benchmarks against", "to watch", "that keeps shipping"]),
            me.sector), [
            ("Valuation", money(f["val"])), ("Total raised", money(f["raised"])),
            ("Revenue (ARR)", money(f["rev"])), ("Employees", "{:,}".format(f["staff"])),
            ("Founded", str(f["founded"])), ("HQ", f["hq"])])

    def sec_model(self, me, f):
        r = self.rng
        self.emit("**%s:**" % r.choice(["Open core, paid cloud", "Usage-based", "Licensing",
                                        "Hardware plus service", "Seat-based SaaS"]))
        self.bullets(r.randint(4, 6))
        self.emit("", self.prose(me, f, 4))

    def sec_funding(self, me, f):
        r = self.rng
        raised = f["raised"]
        unit = 100 if raised >= 1000 else 1
        parts = split_total(r, raised, r.randint(1, 5), unit)
        names = ROUNDS[:len(parts)]
        years = sorted(r.sample(range(f["founded"], 2026), min(len(parts), 2026 - f["founded"])))
        while len(years) < len(parts):
            years.append(years[-1] if years else 2025)
        rows = []
        for i, amt in enumerate(reversed(parts)):
            lead = self.link(me, "fund", table=True) if r.random() < 0.5 else r.choice(STEMS) + " Ventures"
            rows.append((names[i], str(years[i]), money(amt), lead))
        self.emit("**%s total across %d round%s:**" % (money(raised), len(parts),
                                                        "" if len(parts) == 1 else "s"), "")
        self.table(["Round", "Year", "Amount", "Lead investor"], rows)
        self.emit("", "**Strategic investors:** %s" % r.choice(
            ["two hyperscalers and a chipmaker.", "mostly sovereign funds.",
             "crossover funds led the last round.", "corporate venture arms."]))
        for _ in range(r.randint(1, 3)):
            self.emit("- " + self.link(me, "fund"))

    def sec_revenue(self, me, f):
        r = self.rng
        self.table(["Tier", "Price", "Offering"], [list(t) for t in r.sample(TIERS, r.randint(2, 4))])
        self.emit("", "**Revenue:** %s ARR, growing %d%% YoY." % (money(f["rev"]), f["growth"]))

    def sec_segments(self, me, f):
        r = self.rng
        k = r.randint(2, 4)
        shares = [p * 5 for p in split_total(r, 20, k, 1)]
        names = r.sample(SEGMENTS, k)
        rows = [(n, money(f["rev"] * s // 100), "%d%%" % s) for n, s in zip(names, shares)]
        rows.append(("**Total**", "**%s**" % money(f["rev"]), "**100%**"))
        self.table(["Segment", "Revenue", "Share"], rows)

    def sec_tech(self, me, f):
        self.emit(self.prose(me, f, 4), "")
        self.bullets(self.rng.randint(3, 5))

    def sec_compete(self, me, f):
        r = self.rng
        k = r.randint(2, 4)
        shares = split_total(r, 90, k + 1, 1)
        rows = [(me.name, r.choice(FOCUS), "%d%%" % shares[0])]
        for s in shares[1:]:
            c = self.link(me, "company", table=True)
            rows.append((c, r.choice(FOCUS), "%d%%" % s))
        rows.append(("Others", "—", "10%"))
        self.table(["Company", "Focus", "Share"], rows)
        self.emit("", "%s = %s." % (me.aliases[0] if me.aliases else me.name, r.choice(
            ["the neutral option", "the low-cost bet", "the incumbent", "the challenger"])))

    def sec_people(self, me, f):
        r = self.rng
        for role in r.sample(ROLES[:7], r.randint(2, 4)):
            self.emit("- %s — %s" % (self.link(me, "person"), role))

    def sec_case(self, me, f):
        r = self.rng
        self.emit("### Bull case", "")
        self.bullets(r.randint(3, 5))
        self.emit("", "### Bear case", "")
        self.bullets(r.randint(2, 4))
        self.emit("- %s valuation requires massive revenue" % money(f["val"]))

    def sec_risks(self, me, f):
        r = self.rng
        for b in r.sample(BULLETS[16:], r.randint(3, 5)):
            self.emit("- **%s** — %s" % (b, r.choice(
                ["hedged by multi-sourcing.", "no mitigation yet.", "board is aware.",
                 "partly offset by contracts.", "watch next quarter."])))

    def sec_timeline(self, me, f):
        r = self.rng
        start = f["founded"]
        years = [start] + sorted(r.sample(range(start + 1, 2026), min(r.randint(2, 6), 2025 - start)))
        for y, ev in zip(years, EVENTS):
            self.emit("- **%d** — %s" % (y, ev))

    def sec_dev(self, me, f):
        r = self.rng
        self.emit("**%s:**" % r.choice(["What changed", "Highlights", "What to watch"]))
        self.bullets(r.randint(3, 5))
        if r.random() < 0.5:
            self.emit("- Deal with " + self.link(me, "company"))
        self.emit("", self.prose(me, f))

    def sec_stats(self, me, f):
        r = self.rng
        if me.kind == "person":
            self.table(["Metric", "Value"], [("Role", r.choice(ROLES)), ("Based in", f["hq"]),
                                             ("Active since", str(f["founded"]))])
            return
        if me.kind == "fund":
            self.table(["Metric", "Value"], [("AUM", money(f["aum"])), ("HQ", f["hq"]),
                                             ("Founded", str(f["founded"]))])
            return
        self.table(["Metric", "Value"], [
            ("Ticker", r.choice(["Private", "Private", "NASDAQ", "NYSE", "LSE", "TSE"])),
            ("Valuation", money(f["val"])), ("Total raised", money(f["raised"])),
            ("Revenue (ARR)", money(f["rev"])), ("CEO", "%s %s" % (r.choice(FIRST), r.choice(LAST)))])

    def sec_sources(self, me, f):
        r = self.rng
        slug = github_slug(me.name.split(" (")[0]).strip("-")
        for _ in range(r.randint(2, 4)):
            x = r.random()
            if x < 0.4:
                self.emit("- [%s](https://www.example.com/%s/%s-%d)" % (
                    r.choice(["Company blog", "Annual report", "Press release", "Filing"]),
                    r.choice(["news", "reports", "press", "investors"]), slug, r.randint(2019, 2025)))
            elif x < 0.7:
                self.emit("- Interview, *%s %s podcast*, %d-%02d-%02d" % (
                    r.choice(STEMS), r.choice(["Signals", "Compute", "Capital", "Frontier"]),
                    r.randint(2021, 2025), r.randint(1, 12), r.randint(1, 28)))
            else:
                self.emit("- <https://data.example.org/%s/%d>" % (
                    r.choice(["funding", "people", "markets", "papers"]), r.randrange(10 ** 7)))

    def sec_related(self, me, f):
        r = self.rng
        for _ in range(max(2, self.links_wanted - self.links_used)):
            self.emit("- %s — %s" % (self.link(me), r.choice(RELATION)))

    # ----- fund
    def sec_strategy(self, me, f):
        self.sec_model(me, f)

    def sec_portfolio(self, me, f):
        r = self.rng
        rows = []
        for _ in range(r.randint(2, 5)):
            if r.random() < 0.3:
                rows.append((self.link(me, "company", table=True), r.choice(ROUNDS[:5]), "n/a"))
                continue
            # quote the portfolio company's own figure, so that both notes agree
            t = self.target(me, "company")
            self.links_used += 1
            self.bump("wikilinks")
            self.bump("wikilinks:plain")
            rows.append(("[[%s]]" % t.name, r.choice(ROUNDS[:5]), money(self.figures(t)["val"])))
        self.table(["Company", "Entry round", "Last valuation"], rows)
        self.emit("", "Valuations as stated in each company's note.")

    def sec_vintages(self, me, f):
        r = self.rng
        aum = f["aum"]
        parts = split_total(r, aum, r.randint(1, 4), 100 if aum >= 1000 else 1)
        start = f["founded"]
        rows = [("Fund %s" % "I II III IV".split()[i], str(min(2025, start + 3 * i)), money(p))
                for i, p in enumerate(reversed(parts))]
        rows.append(("**Total**", "", "**%s**" % money(aum)))
        self.table(["Fund", "Vintage", "Size"], rows)

    def sec_partners(self, me, f):
        self.sec_people(me, f)

    def sec_record(self, me, f):
        r = self.rng
        self.emit("%d exits, %d write-offs, net IRR %d%%." % (
            r.randint(0, 12), r.randint(0, 20), r.randint(-5, 40)), "")
        self.bullets(r.randint(2, 4))

    # ----- person
    def sec_profile(self, me, f):
        r = self.rng
        self.lead_and_table(me, "%s %s." % (me.name, r.choice(
            ["builds companies in " + r.choice(SECTORS), "runs research teams",
             "invests in early " + r.choice(SECTORS) + " companies", "operates at scale"])), [
            ("Born", str(f["founded"] - r.randint(22, 45))), ("Based in", f["hq"]),
            ("Companies founded", str(f["staff"] % 4))])

    def sec_career(self, me, f):
        r = self.rng
        years = sorted(r.sample(range(1995, 2026), r.randint(2, 4)))
        rows = []
        for y in years:
            org = self.link(me, "company", table=True) if r.random() < 0.6 else r.choice(STEMS) + " Group"
            rows.append((str(y), r.choice(ROLES), org))
        self.table(["Year", "Role", "Organisation"], rows)

    def sec_investments(self, me, f):
        r = self.rng
        k = r.randint(2, 4)
        total = r.randint(1, 40) * 50
        parts = split_total(r, total, k, 50)
        rows = [(self.link(me, "company", table=True), r.choice(ROUNDS[:3]), "$%dk" % p) for p in parts]
        rows.append(("**Total**", "", "**$%dk**" % total))
        self.table(["Company", "Round", "Check"], rows)

    def sec_boards(self, me, f):
        r = self.rng
        for _ in range(r.randint(1, 3)):
            self.emit("- %s (since %d)" % (self.link(me, "company"), r.randint(2010, 2025)))

    def sec_views(self, me, f):
        r = self.rng
        self.emit("> %s" % r.choice(["Compute is the new oil, but refineries matter more.",
                                      "Most moats are distribution in disguise.",
                                      "Small models will eat the long tail.",
                                      "Regulation arrives after the second crisis."]), "")
        self.emit(self.prose(me, f))

    # ----- topic / market
    def sec_summary(self, me, f):
        r = self.rng
        base = f["val"]
        self.lead_and_table(me, "%s is a %s market today." % (me.name, money(base)), [
            ("Market size (2025)", money(base)), ("Growth", "%d%% / yr" % f["growth"]),
            ("Players tracked", str(f["staff"] % 40 + 5))])

    def sec_players(self, me, f):
        r = self.rng
        k = r.randint(2, 5)
        shares = split_total(r, 100, k + 1, 1)
        rows = [(self.link(me, "company", table=True), "%d%%" % s) for s in shares[:-1]]
        rows.append(("Others", "%d%%" % shares[-1]))
        self.table(["Company", "Share"], rows)
        self.emit("", "Shares add up to 100%.")

    def sec_size(self, me, f):
        r = self.rng
        size = f["val"]
        rows = []
        for y in range(2025, 2029):
            rows.append((str(y), money(round_money(size)), "+%d%%" % f["growth"]))
            size = size * (100 + f["growth"]) / 100.0
        self.table(["Year", "Size", "Growth"], rows)
        if r.random() < 0.01:
            self.emit("", "Cite blocks with the `[[Note#^block-id]]` syntax, e.g. `[[Template]]`.")

    def sec_questions(self, me, f):
        r = self.rng
        for q in r.sample(["Who captures the margin?", "Does open-source commoditise it?",
                           "How fast do costs fall?", "Will regulators step in?",
                           "Is demand durable past 2027?", "What breaks first at scale?"],
                          r.randint(2, 4)):
            self.emit("- [ ] " + q)

    def sec_reading(self, me, f):
        r = self.rng
        for _ in range(r.randint(1, 3)):
            self.emit("- %s" % self.link(me, "paper"))
        if r.random() < 0.3:
            self.emit("- [Survey on arXiv](https://arxiv.org/abs/%d.%05d)" % (
                r.randint(2001, 2412), r.randrange(100000)))

    def sec_snapshot(self, me, f):
        self.lead_and_table(me, "%s in numbers:" % me.name, [
            ("VC funding since %d" % f["founded"], money(f["raised"])),
            ("Companies tracked", str(f["staff"] % 300 + 10)),
            ("Largest round", money(split_total(self.rng, f["raised"], 3,
                                                100 if f["raised"] >= 1000 else 1)[0]))])

    def sec_flows(self, me, f):
        r = self.rng
        raised = f["raised"]
        k = min(r.randint(3, 5), 2026 - f["founded"])
        parts = split_total(r, raised, k, 100 if raised >= 1000 else 1)
        years = sorted(r.sample(range(f["founded"], 2026), len(parts)))
        rows = [(str(y), money(p)) for y, p in zip(years, reversed(parts))]
        rows.append(("**Total**", "**%s**" % money(raised)))
        self.table(["Year", "VC funding"], rows)

    def sec_policy(self, me, f):
        self.emit(self.prose(me, f), "")
        self.bullets(self.rng.randint(2, 4))

    # ----- paper
    def sec_abstract(self, me, f):
        r = self.rng
        self.lead_and_table(me, "The paper %s." % r.choice(
            ["shows a cheaper route to the same accuracy", "reports a new scaling trend",
             "argues the benchmark is saturated", "introduces a simple baseline that wins"]), [
            ("Year", me.name.rsplit("(", 1)[1][:4]), ("Citations", "{:,}".format(f["cites"])),
            ("Venue", r.choice(["NeurIPS", "ICML", "ICLR", "arXiv", "Nature"]))])

    def sec_results(self, me, f):
        r = self.rng
        rows = []
        for b in r.sample(BENCHES, r.randint(2, 4)):
            base = r.randint(300, 850)
            gain = r.randint(-20, 90)
            rows.append((b, "%.1f" % ((base + gain) / 10.0), "%.1f" % (base / 10.0),
                         "%+.1f" % (gain / 10.0)))
        self.table(["Benchmark", "Score", "Baseline", "Δ"], rows)

    def sec_method(self, me, f):
        self.emit(self.prose(me, f, 4))

    def sec_authors(self, me, f):
        r = self.rng
        for i in range(r.randint(1, 4)):
            self.emit("- %s%s" % (self.link(me, "person"), " (corresponding)" if i == 0 else ""))

    def sec_critique(self, me, f):
        self.bullets(self.rng.randint(2, 3))

    def sec_followups(self, me, f):
        self.sec_reading(me, f)

    # ----- meeting
    def sec_context(self, me, f):
        r = self.rng
        co = me.about if me.about is not None else self.target(me, "company")
        cf = self.figures(co)
        self.links_used += 1
        self.bump("wikilinks")
        self.bump("wikilinks:plain")
        self.lead_and_table(me, "Prep for [[%s]]." % co.name, [
            ("Their valuation", money(cf["val"])), ("Their revenue", money(cf["rev"])),
            ("Ask", money(round_money(cf["raised"] // 3 + 1)))])

    def sec_attendees(self, me, f):
        r = self.rng
        for i in range(r.randint(2, 4)):
            self.emit("- %s%s" % (self.link(me, "person"), " (host)" if i == 0 else ""))
        self.emit("- Me")

    def sec_notes(self, me, f):
        self.emit(self.prose(me, f, 4), "")
        self.bullets(self.rng.randint(4, 6))

    def sec_actions(self, me, f):
        r = self.rng
        for _ in range(r.randint(1, 3)):
            self.emit("- [%s] Follow up with %s" % (r.choice(" x"), self.link(me)))

    def sec_figures(self, me, f):
        self.sec_results(me, f)

    def prose(self, me, f, k=3):
        """k sentences of filler whose figures agree with the note's own."""
        r = self.rng
        kind = me.kind
        if kind in ("company", "fund"):
            opts = [
                "%s has raised %s so far and was last valued at %s." % (
                    me.name, money(f["raised"]), money(f["val"])),
                "Headcount grew %d%% last year while burn stayed near %s a year." % (
                    r.randint(5, 120), money(max(1, f["raised"] // 8))),
                "Gross margin is around %d%%, with %d%% of revenue from the top ten customers." % (
                    r.randint(20, 85), r.randint(10, 70)),
                "A major release ships roughly every %d weeks." % r.randint(2, 12),
                "About %d%% of the team works on research, the rest on product and sales." % r.randint(10, 60),
                "Revenue of %s puts it at %.1fx its last valuation multiple peers." % (
                    money(f["rev"]), f["val"] / float(f["rev"])),
                "Most customers are mid-market companies in %s and %s." % (
                    f["hq"], r.choice(COUNTRIES)),
                "The next round is expected within %d months." % r.randint(6, 30),
            ]
        elif kind == "person":
            opts = [
                "%s has spent %d years in %s." % (me.name, 2026 - f["founded"], r.choice(SECTORS)),
                "Known for hiring well and shipping fast.",
                "Previously an engineer at a large lab, then a founder.",
                "Writes a widely read newsletter on %s." % r.choice(NOUN),
                "Advises several startups and speaks at most major conferences.",
                "Moved to %s in %d." % (f["hq"], f["founded"]),
            ]
        elif kind in ("topic", "market"):
            opts = [
                "Spending reached %s in 2025." % money(f["val"]),
                "Growth of %d%% a year is expected to slow after 2027." % f["growth"],
                "Three players hold most of the share.",
                "Open-source alternatives are closing the gap.",
                "Policy support varies widely by country.",
                "Unit costs fell by about %d%% over the last two years." % r.randint(10, 80),
                "Most of the capital went into %s." % r.choice(NOUN),
            ]
        elif kind == "paper":
            opts = [
                "The method trains on %dB tokens with a %d-layer model." % (
                    r.randint(1, 900), r.choice([12, 24, 32, 48, 80])),
                "Ablations show most of the gain comes from the data mix.",
                "Results hold across three model sizes.",
                "Code and weights are released under a permissive licence.",
                "The evaluation uses held-out splits only.",
                "Compute budget: about %d GPU-days." % r.randint(10, 20000),
            ]
        else:
            opts = [
                "Next call planned in %d weeks." % r.randint(1, 8),
                "The team seemed %s." % r.choice(["confident", "stretched", "focused", "cautious"]),
                "Pipeline looks healthy; churn under %d%%." % r.randint(1, 15),
                "They asked for intros to two design partners.",
                "Hiring is the main bottleneck this quarter.",
                "Pricing discussion postponed to the next meeting.",
            ]
        return " ".join(r.sample(opts, min(k, len(opts))))

    # ---------------------------------------------------------------- write
    def write(self, out):
        if os.path.lexists(out):
            if not os.path.isdir(out) or (os.listdir(out) and not os.path.exists(
                    os.path.join(out, ".planted.json"))):
                sys.exit("genvault: %s exists and is not a generated vault; not replacing it" % out)
            shutil.rmtree(out)
        os.makedirs(os.path.join(out, ".obsidian"))
        with open(os.path.join(out, ".obsidian", "app.json"), "w", encoding="utf-8") as fh:
            fh.write('{\n  "attachmentFolderPath": "Attachments",\n  "newLinkFormat": "shortest",\n'
                     '  "useMarkdownLinks": false\n}\n')
        for folder in sorted({f for f, _, _ in FOLDERS} | {f for f, _ in ATTACHMENTS}):
            os.makedirs(os.path.join(out, folder), exist_ok=True)
        for i, (folder, name) in enumerate(ATTACHMENTS):
            with open(os.path.join(out, folder, name), "wb") as fh:
                fh.write(png_bytes(i))
        total = 0
        for me in self.notes:
            data = ("\n".join(self.render(me)) + "\n").encode("utf-8")
            total += len(data)
            with open(os.path.join(out, me.path), "wb") as fh:
                fh.write(data)
            for b in self.planted:
                self.records.append({"file": me.path, "line": b.line, "column": b.column,
                                     "kind": b.kind, "link": b.link, "target": b.target})
            self.planted = []
        c = self.count
        stats = {
            "notes": self.n, "attachments": len(ATTACHMENTS), "md_bytes": total,
            "avg_note_bytes": round(total / max(1, self.n), 1),
            "links": {k: v for k, v in sorted(c.items()) if not k.startswith(("broken:", "tables", "headings"))},
            "tables": c.get("tables", 0), "headings": c.get("headings", 0),
            "broken_total": len(self.records),
            "broken_by_kind": {k[7:]: v for k, v in sorted(c.items()) if k.startswith("broken:")},
        }
        meta = {"generator": GENERATOR, "seed": self.seed, "notes": self.n,
                "broken_rate": self.rate, "stats": stats, "broken": self.records}
        with open(os.path.join(out, ".planted.json"), "w", encoding="utf-8") as fh:
            json.dump(meta, fh, indent=1, ensure_ascii=False)
            fh.write("\n")
        return stats


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate a synthetic Obsidian research vault "
                                             "with planted broken links.")
    ap.add_argument("--notes", type=int, required=True, help="number of notes (>= 20)")
    ap.add_argument("--out", required=True, help="output folder (replaced if it is a generated vault)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--broken-rate", type=float, default=0.03,
                    help="share of links broken on purpose (default 0.03)")
    ap.add_argument("--quiet", action="store_true", help="do not print the stats")
    a = ap.parse_args(argv)
    if a.notes < 20:
        ap.error("--notes must be at least 20")
    if not 0 <= a.broken_rate <= 1:
        ap.error("--broken-rate must be within [0, 1]")
    v = Vault(a.notes, a.seed, a.broken_rate)
    v.plan()
    stats = v.write(a.out)
    if not a.quiet:
        print(json.dumps(stats, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
