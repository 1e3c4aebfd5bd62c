BEGIN TRANSACTION;
CREATE TABLE accounts (
	id INTEGER NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	role VARCHAR(80) NOT NULL, 
	agency VARCHAR(80), 
	password_hash TEXT, 
	disabled BOOLEAN NOT NULL, 
	session_epoch INTEGER NOT NULL, 
	created_at VARCHAR(40) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name)
);
INSERT INTO "accounts" VALUES(1,'hr.jbwd','hr','jbwd',NULL,0,0,'2026-12-05T21:17:13.609033Z');
CREATE TABLE activity_log (
	seq INTEGER NOT NULL, 
	recorded_at VARCHAR(40) NOT NULL, 
	actor VARCHAR(200) NOT NULL, 
	action VARCHAR(60) NOT NULL, 
	agency VARCHAR(80), 
	subject TEXT, 
	client VARCHAR(100), 
	before_sha256 VARCHAR(64), 
	after_sha256 VARCHAR(64), 
	changed TEXT NOT NULL, 
	detail TEXT NOT NULL, 
	prev_hash VARCHAR(64) NOT NULL, 
	entry_hash VARCHAR(64) NOT NULL, 
	PRIMARY KEY (seq)
);
INSERT INTO "activity_log" VALUES(1,'2026-12-05T21:17:13.590611Z','cli:tester','roster.import','jbwd','jbwd',NULL,NULL,'7d793fd6bc5943debf19eab7d1e13e6bba38b253103fa1c2cfdcc6ca12d5772d','["positions", "employees.JBWD-001", "employees.JBWD-002", "employees.JBWD-003", "employees.JBWD-004", "employees.JBWD-005", "employees.JBWD-006", "employees.JBWD-007", "employees.JBWD-008", "employees.JBWD-009", "employees.JBWD-010", "employees.JBWD-011", "employees.JBWD-012", "employees.JBWD-013", "employees.JBWD-014"]','{"added":14,"changed":0,"employees":14,"positions":2,"removed":0,"source":"jbwd.yaml"}','0000000000000000000000000000000000000000000000000000000000000000','a1c6e02c7e5dbf8ad3861e0eb06d0620ce8317eb482143484f663d2623d36c6d');
INSERT INTO "activity_log" VALUES(2,'2026-12-05T21:17:13.610435Z','cli:tester','account.create','jbwd','account hr.jbwd',NULL,NULL,'340d912e134482089a3396839371653a3c8b63ebae54df5a2b593fdae3bb9871','["name", "role", "agency"]','{}','a1c6e02c7e5dbf8ad3861e0eb06d0620ce8317eb482143484f663d2623d36c6d','bfc1963403e5b84ece5d8ae5f2a9a1dae475b22ac131b76796a901494adf03f9');
INSERT INTO "activity_log" VALUES(3,'2026-12-05T21:17:13.612447Z','cli:tester','note','jbwd','employee JB-Zoë',NULL,NULL,NULL,'["name", "ñ"]','{"note":"Zo\u00eb N\u00fa\u00f1ez \u2014 \u00fc \u2713"}','bfc1963403e5b84ece5d8ae5f2a9a1dae475b22ac131b76796a901494adf03f9','2c21b5a71ccb3a60c669fab3a18e4d256041a51309727b83b7f7ee2a7d797cbc');
CREATE TABLE agencies (
	agency VARCHAR(80) NOT NULL, 
	version INTEGER NOT NULL, 
	positions_sha256 VARCHAR(64) NOT NULL, 
	source TEXT NOT NULL, 
	imported_at VARCHAR(40) NOT NULL, 
	PRIMARY KEY (agency)
);
INSERT INTO "agencies" VALUES('jbwd',1,'442f7dff8a4cc2999e89d2979171fa67395181cd520749460498818e080c945f','jbwd.yaml','2026-12-05T21:17:13.585519Z');
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO "alembic_version" VALUES('0001');
CREATE TABLE eligibility_decisions (
  seq INTEGER PRIMARY KEY,
  decision_id TEXT NOT NULL UNIQUE,
  recorded_at TEXT NOT NULL,
  actor TEXT NOT NULL,
  as_of TEXT NOT NULL,
  agency TEXT NOT NULL,
  employee_id TEXT NOT NULL,
  requested_target TEXT,
  record_sha256 TEXT NOT NULL,
  record_json TEXT,
  positions_sha256 TEXT NOT NULL,
  rules_sha256 TEXT NOT NULL,
  rules_version TEXT NOT NULL,
  engine_version TEXT NOT NULL,
  decision_json TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  entry_hash TEXT NOT NULL
);
INSERT INTO "eligibility_decisions" VALUES(1,'eb86cda0-30e1-435d-b675-0a814604abd9','2026-12-05T21:17:13.636844Z','Zoë Núñez','2026-11-24','jbwd','JBWD-001',NULL,'7711c08139ddb32a9e608636c9f1cdd928c3300a479fed6b13d46207f39803b1','{"assignments":[{"class":"customer-support-specialist","end":null,"fte":"1","level":"I","position":null,"start":"2023-03-06"}],"certifications":[],"education":"high_school","endorsements":[],"evaluations":[],"experience":[{"employer":"Yucca Valley Hardware Co-op","end":"2023-02-24","fte":"1","kinds":["customer_service"],"public_utility":false,"start":"2020-01-13"}],"id":"JBWD-001","leaves":[],"licenses":[{"expires":"2028-01-13","issued":null,"kind":"ca_driver_class_c"}],"name":"Araceli Dunmore-Faye","supervisor":"rdelgado"}','442f7dff8a4cc2999e89d2979171fa67395181cd520749460498818e080c945f','431a49b7b44e7209f2bf05bbc892f06b7dfd69cb931783d4bc54894897700d1d','2026.11.30','eligibility 0.1.0; durable_rules 2.0.28','{
  "employee_id": "JBWD-001",
  "as_of": "2026-11-24",
  "agency": "jbwd",
  "current": "Customer Support Specialist I (customer-support-specialist:I)",
  "target": {
    "series": "customer-support-specialist",
    "level": "II",
    "title": "Customer Support Specialist II",
    "version": "2023",
    "version_effective": "2023-02-01",
    "pay": {
      "scale": "range",
      "value": 15,
      "same_as": null,
      "note": null,
      "source": {
        "document": "jbwd-customer-support-specialist-2023.txt",
        "section": "header",
        "quote": "CSS II – Range 15"
      }
    }
  },
  "rules_version": "2026.11.30",
  "status": "eligible",
  "eligible_on": "2024-01-22",
  "time_met_on": "2024-01-22",
  "review": null,
  "still_needed": [],
  "flags": [],
  "caveats": [],
  "best_path": "qualifications",
  "paths": [
    {
      "id": "qualifications",
      "kind": "open_entry",
      "description": "All the Customer Support Specialist II minimum qualifications: four years of customer support and clerical accounting experience (general clerical work without accounting does not count), high school, and a Class C driver''s license. No vacancy is required.",
      "status": "eligible",
      "eligible_on": "2024-01-22",
      "criteria": [
        {
          "id": "customer_support_accounting_experience",
          "kind": "experience",
          "category": "time",
          "description": "4 years of customer support / accounting / bookkeeping / billing experience",
          "met": true,
          "met_on": "2024-01-22",
          "projected": false,
          "missing": null,
          "evidence": {
            "credited_days": "2498",
            "first_credited_day": "2020-01-13",
            "periods_counted": 2,
            "required_days": 1461
          },
          "source": {
            "document": "jbwd-customer-support-specialist-2023.txt",
            "section": "MINIMUM QUALIFICATIONS: Customer Support Specialist II",
            "quote": "a minimum of four (4) years of increasingly responsible customer support and clerical accounting experience"
          },
          "interpretation": "Read as four years in total, in any mix, of customer support work (customer service experience) and clerical accounting work: accounting, bookkeeping or billing done as clerical work. General clerical work without accounting (reception, filing, typing) does not count: an entry counts only if it is tagged customer service, accounting, bookkeeping or billing. Service as a JBWD Customer Support Specialist I counts as both (the series counts as customer service and accounting experience). The spec does not say how the years divide. ''Increasingly responsible'' cannot be checked from records and is read as satisfied by qualifying experience of these kinds."
        },
        {
          "id": "high_school",
          "kind": "education",
          "category": "hard",
          "description": "education: high school or higher",
          "met": true,
          "met_on": null,
          "projected": false,
          "missing": null,
          "evidence": {
            "on_file": "high_school",
            "required": "high_school"
          },
          "source": {
            "document": "jbwd-customer-support-specialist-2023.txt",
            "section": "MINIMUM QUALIFICATIONS: Customer Support Specialist II",
            "quote": "High School Diploma or equivalent;"
          },
          "interpretation": null
        },
        {
          "id": "drivers_license",
          "kind": "license",
          "category": "hard",
          "description": "a valid California Class C driver''s license on the as-of date",
          "met": true,
          "met_on": null,
          "projected": false,
          "missing": null,
          "evidence": {
            "expires": "2028-01-13",
            "on_file": 1
          },
          "source": {
            "document": "jbwd-customer-support-specialist-2023.txt",
            "section": "MINIMUM QUALIFICATIONS: Customer Support Specialist II",
            "quote": "Other: Must possess and maintain valid California Class C Driver''s License."
          },
          "interpretation": "The ''Other'' line requiring the license applies even though the line above it says ''Certificates, Licenses, Registration: None''."
        }
      ]
    }
  ],
  "notes": [
    "Rules: Customer Support Specialist specification version 2023, in force since 2023-02-01."
  ],
  "engine": "durable_rules 2.0.28"
}','0000000000000000000000000000000000000000000000000000000000000000','722ef565fdd0463ca0613a0b72e8655dbe29c054d811546f4cf56719db9af5cf');
INSERT INTO "eligibility_decisions" VALUES(2,'63d8c559-7434-4e5b-a036-bbeab24202c0','2026-12-05T21:17:13.636844Z','Zoë Núñez','2026-11-24','jbwd','JBWD-002',NULL,'0be042c0113016760f6c7db2da0daf356729bc73475c7c3a38b1d3b00608bdb3','{"assignments":[{"class":"customer-support-specialist","end":null,"fte":"1","level":"I","position":null,"start":"2023-02-01"}],"certifications":[],"education":"some_college","endorsements":[],"evaluations":[],"experience":[],"id":"JBWD-002","leaves":[],"licenses":[{"expires":"2029-05-05","issued":null,"kind":"ca_driver_class_c"}],"name":"Benedikt Sorensen-Ayala","supervisor":"rdelgado"}','442f7dff8a4cc2999e89d2979171fa67395181cd520749460498818e080c945f','431a49b7b44e7209f2bf05bbc892f06b7dfd69cb931783d4bc54894897700d1d','2026.11.30','eligibility 0.1.0; durable_rules 2.0.28','{
  "employee_id": "JBWD-002",
  "as_of": "2026-11-24",
  "agency": "jbwd",
  "current": "Customer Support Specialist I (customer-support-specialist:I)",
  "target": {
    "series": "customer-support-specialist",
    "level": "II",
    "title": "Customer Support Specialist II",
    "version": "2023",
    "version_effective": "2023-02-01",
    "pay": {
      "scale": "range",
      "value": 15,
      "same_as": null,
      "note": null,
      "source": {
        "document": "jbwd-customer-support-specialist-2023.txt",
        "section": "header",
        "quote": "CSS II – Range 15"
      }
    }
  },
  "rules_version": "2026.11.30",
  "status": "not_yet",
  "eligible_on": "2027-02-01",
  "time_met_on": "2027-02-01",
  "review": null,
  "still_needed": [],
  "flags": [
    {
      "code": "equivalency_clause",
      "text": "The equivalency clause may apply: the only shortfall is 4 years of customer support / accounting / bookkeeping / billing experience. HR may weigh any combination of education and experience; the status is unchanged.",
      "source": {
        "document": "jbwd-customer-support-specialist-2023.txt",
        "section": "MINIMUM QUALIFICATIONS",
        "quote": "Any combination of education and experience which would likely provide the necessary knowledge and abilities may be qualifying."
      }
    }
  ],
  "caveats": [],
  "best_path": "qualifications",
  "paths": [
    {
      "id": "qualifications",
      "kind": "open_entry",
      "description": "All the Customer Support Specialist II minimum qualifications: four years of customer support and clerical accounting experience (general clerical work without accounting does not count), high school, and a Class C driver''s license. No vacancy is required.",
      "status": "not_yet",
      "eligible_on": "2027-02-01",
      "criteria": [
        {
          "id": "customer_support_accounting_experience",
          "kind": "experience",
          "category": "time",
          "description": "4 years of customer support / accounting / bookkeeping / billing experience",
          "met": false,
          "met_on": "2027-02-01",
          "projected": true,
          "missing": "4 years of customer support / accounting / bookkeeping / billing experience: met on 2027-02-01 (in 69 calendar days)",
          "evidence": {
            "credited_days": "1392",
            "first_credited_day": "2023-02-01",
            "periods_counted": 1,
            "required_days": 1461
          },
          "source": {
            "document": "jbwd-customer-support-specialist-2023.txt",
            "section": "MINIMUM QUALIFICATIONS: Customer Support Specialist II",
            "quote": "a minimum of four (4) years of increasingly responsible customer support and clerical accounting experience"
          },
          "interpretation": "Read as four years in total, in any mix, of customer support work (customer service experience) and clerical accounting work: accounting, bookkeeping or billing done as clerical work. General clerical work without accounting (reception, filing, typing) does not count: an entry counts only if it is tagged customer service, accounting, bookkeeping or billing. Service as a JBWD Customer Support Specialist I counts as both (the series counts as customer service and accounting experience). The spec does not say how the years divide. ''Increasingly responsible'' cannot be checked from records and is read as satisfied by qualifying experience of these kinds."
        },
        {
          "id": "high_school",
          "kind": "education",
          "category": "hard",
          "description": "education: high school or higher",
          "met": true,
          "met_on": null,
          "projected": false,
          "missing": null,
          "evidence": {
            "on_file": "some_college",
            "required": "high_school"
          },
          "source": {
            "document": "jbwd-customer-support-specialist-2023.txt",
            "section": "MINIMUM QUALIFICATIONS: Customer Support Specialist II",
            "quote": "High School Diploma or equivalent;"
          },
          "interpretation": null
        },
        {
          "id": "drivers_license",
          "kind": "license",
          "category": "hard",
          "description": "a valid California Class C driver''s license on the as-of date",
          "met": true,
          "met_on": null,
          "projected": false,
          "missing": null,
          "evidence": {
            "expires": "2029-05-05",
            "on_file": 1
          },
          "source": {
            "document": "jbwd-customer-support-specialist-2023.txt",
            "section": "MINIMUM QUALIFICATIONS: Customer Support Specialist II",
            "quote": "Other: Must possess and maintain valid California Class C Driver''s License."
          },
          "interpretation": "The ''Other'' line requiring the license applies even though the line above it says ''Certificates, Licenses, Registration: None''."
        }
      ]
    }
  ],
  "notes": [
    "Rules: Customer Support Specialist specification version 2023, in force since 2023-02-01.",
    "Time requirement met on 2027-02-01 (in 69 calendar days), assuming current assignments continue at their current FTE with no further unpaid leave.",
    "For HR: The equivalency clause may apply: the only shortfall is 4 years of customer support / accounting / bookkeeping / billing experience. HR may weigh any combination of education and experience; the status is unchanged."
  ],
  "engine": "durable_rules 2.0.28"
}','722ef565fdd0463ca0613a0b72e8655dbe29c054d811546f4cf56719db9af5cf','18481a9b38b19143d115815510bc3d6c4fb6dc231431651df74102a0f0071249');
INSERT INTO "eligibility_decisions" VALUES(3,'a9c4f06b-af71-404d-9f16-57775612c286','2026-12-05T21:17:13.636844Z','Zoë Núñez','2026-11-24','jbwd','JBWD-003',NULL,'cdb46ae82a15bcea67bd603bd86607e92bad62814083819c8e048755e4b5a3ea','{"assignments":[{"class":"customer-support-specialist","end":null,"fte":"0.5","level":"I","position":null,"start":"2024-07-08"}],"certifications":[],"education":"high_school","endorsements":[],"evaluations":[],"experience":[],"id":"JBWD-003","leaves":[],"licenses":[{"expires":"2030-07-08","issued":null,"kind":"ca_driver_class_c"}],"name":"Cassius Thornbury-Wen","supervisor":"rdelgado"}','442f7dff8a4cc2999e89d2979171fa67395181cd520749460498818e080c945f','431a49b7b44e7209f2bf05bbc892f06b7dfd69cb931783d4bc54894897700d1d','2026.11.30','eligibility 0.1.0; durable_rules 2.0.28','{
  "employee_id": "JBWD-003",
  "as_of": "2026-11-24",
  "agency": "jbwd",
  "current": "Customer Support Specialist I (customer-support-specialist:I)",
  "target": {
    "series": "customer-support-specialist",
    "level": "II",
    "title": "Customer Support Specialist II",
    "version": "2023",
    "version_effective": "2023-02-01",
    "pay": {
      "scale": "range",
      "value": 15,
      "same_as": null,
      "note": null,
      "source": {
        "document": "jbwd-customer-support-specialist-2023.txt",
        "section": "header",
        "quote": "CSS II – Range 15"
      }
    }
  },
  "rules_version": "2026.11.30",
  "status": "not_yet",
  "eligible_on": "2032-07-08",
  "time_met_on": "2032-07-08",
  "review": null,
  "still_needed": [],
  "flags": [
    {
      "code": "equivalency_clause",
      "text": "The equivalency clause may apply: the only shortfall is 4 years of customer support / accounting / bookkeeping / billing experience. HR may weigh any combination of education and experience; the status is unchanged.",
      "source": {
        "document": "jbwd-customer-support-specialist-2023.txt",
        "section": "MINIMUM QUALIFICATIONS",
        "quote": "Any combination of education and experience which would likely provide the necessary knowledge and abilities may be qualifying."
      }
    }
  ],
  "caveats": [],
  "best_path": "qualifications",
  "paths": [
    {
      "id": "qualifications",
      "kind": "open_entry",
      "description": "All the Customer Support Specialist II minimum qualifications: four years of customer support and clerical accounting experience (general clerical work without accounting does not count), high school, and a Class C driver''s license. No vacancy is required.",
      "status": "not_yet",
      "eligible_on": "2032-07-08",
      "criteria": [
        {
          "id": "customer_support_accounting_experience",
          "kind": "experience",
          "category": "time",
          "description": "4 years of customer support / accounting / bookkeeping / billing experience",
          "met": false,
          "met_on": "2032-07-08",
          "projected": true,
          "missing": "4 years of customer support / accounting / bookkeeping / billing experience: met on 2032-07-08 (in 2053 calendar days)",
          "evidence": {
            "credited_days": "434.5",
            "first_credited_day": "2024-07-08",
            "periods_counted": 1,
            "required_days": 1461
          },
          "source": {
            "document": "jbwd-customer-support-specialist-2023.txt",
            "section": "MINIMUM QUALIFICATIONS: Customer Support Specialist II",
            "quote": "a minimum of four (4) years of increasingly responsible customer support and clerical accounting experience"
          },
          "interpretation": "Read as four years in total, in any mix, of customer support work (customer service experience) and clerical accounting work: accounting, bookkeeping or billing done as clerical work. General clerical work without accounting (reception, filing, typing) does not count: an entry counts only if it is tagged customer service, accounting, bookkeeping or billing. Service as a JBWD Customer Support Specialist I counts as both (the series counts as customer service and accounting experience). The spec does not say how the years divide. ''Increasingly responsible'' cannot be checked from records and is read as satisfied by qualifying experience of these kinds."
        },
        {
          "id": "high_school",
          "kind": "education",
          "category": "hard",
          "description": "education: high school or higher",
          "met": true,
          "met_on": null,
          "projected": false,
          "missing": null,
          "evidence": {
            "on_file": "high_school",
            "required": "high_school"
          },
          "source": {
            "document": "jbwd-customer-support-specialist-2023.txt",
            "section": "MINIMUM QUALIFICATIONS: Customer Support Specialist II",
            "quote": "High School Diploma or equivalent;"
          },
          "interpretation": null
        },
        {
          "id": "drivers_license",
          "kind": "license",
          "category": "hard",
          "description": "a valid California Class C driver''s license on the as-of date",
          "met": true,
          "met_on": null,
          "projected": false,
          "missing": null,
          "evidence": {
            "expires": "2030-07-08",
            "on_file": 1
          },
          "source": {
            "document": "jbwd-customer-support-specialist-2023.txt",
            "section": "MINIMUM QUALIFICATIONS: Customer Support Specialist II",
            "quote": "Other: Must possess and maintain valid California Class C Driver''s License."
          },
          "interpretation": "The ''Other'' line requiring the license applies even though the line above it says ''Certificates, Licenses, Registration: None''."
        }
      ]
    }
  ],
  "notes": [
    "Rules: Customer Support Specialist specification version 2023, in force since 2023-02-01.",
    "Time requirement met on 2032-07-08 (in 2053 calendar days), assuming current assignments continue at their current FTE with no further unpaid leave.",
    "For HR: The equivalency clause may apply: the only shortfall is 4 years of customer support / accounting / bookkeeping / billing experience. HR may weigh any combination of education and experience; the status is unchanged."
  ],
  "engine": "durable_rules 2.0.28"
}','18481a9b38b19143d115815510bc3d6c4fb6dc231431651df74102a0f0071249','2c46de369d37802debfd3f7137ab699bacf98fd7aa324cead11e121e3042fe12');
CREATE TABLE eligibility_log_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO "eligibility_log_meta" VALUES('format','eligibility-decision-log/1');
INSERT INTO "eligibility_log_meta" VALUES('head_seq','3');
INSERT INTO "eligibility_log_meta" VALUES('head_hash','2c46de369d37802debfd3f7137ab699bacf98fd7aa324cead11e121e3042fe12');
INSERT INTO "eligibility_log_meta" VALUES('head_hmac','aaf925baa5fd8c3aa669b00b239e4b9059c9894bf1e113a3dbbf332b94ba52f8');
CREATE TABLE employees (
	agency VARCHAR(80) NOT NULL, 
	employee_id VARCHAR(200) NOT NULL, 
	ord INTEGER NOT NULL, 
	name TEXT, 
	supervisor VARCHAR(200), 
	record_json TEXT NOT NULL, 
	record_sha256 VARCHAR(64) NOT NULL, 
	version INTEGER NOT NULL, 
	updated_at VARCHAR(40) NOT NULL, 
	PRIMARY KEY (agency, employee_id), 
	FOREIGN KEY(agency) REFERENCES agencies (agency)
);
INSERT INTO "employees" VALUES('jbwd','JBWD-001',0,'Araceli Dunmore-Faye','rdelgado','{"assignments":[{"class":"customer-support-specialist","end":null,"fte":"1","level":"I","position":null,"start":"2023-03-06"}],"certifications":[],"education":"high_school","endorsements":[],"evaluations":[],"experience":[{"employer":"Yucca Valley Hardware Co-op","end":"2023-02-24","fte":"1","kinds":["customer_service"],"public_utility":false,"start":"2020-01-13"}],"id":"JBWD-001","leaves":[],"licenses":[{"expires":"2028-01-13","issued":null,"kind":"ca_driver_class_c"}],"name":"Araceli Dunmore-Faye","supervisor":"rdelgado"}','7711c08139ddb32a9e608636c9f1cdd928c3300a479fed6b13d46207f39803b1',1,'2026-12-05T21:17:13.586894Z');
INSERT INTO "employees" VALUES('jbwd','JBWD-002',1,'Benedikt Sorensen-Ayala','rdelgado','{"assignments":[{"class":"customer-support-specialist","end":null,"fte":"1","level":"I","position":null,"start":"2023-02-01"}],"certifications":[],"education":"some_college","endorsements":[],"evaluations":[],"experience":[],"id":"JBWD-002","leaves":[],"licenses":[{"expires":"2029-05-05","issued":null,"kind":"ca_driver_class_c"}],"name":"Benedikt Sorensen-Ayala","supervisor":"rdelgado"}','0be042c0113016760f6c7db2da0daf356729bc73475c7c3a38b1d3b00608bdb3',1,'2026-12-05T21:17:13.586966Z');
INSERT INTO "employees" VALUES('jbwd','JBWD-003',2,'Cassius Thornbury-Wen','rdelgado','{"assignments":[{"class":"customer-support-specialist","end":null,"fte":"0.5","level":"I","position":null,"start":"2024-07-08"}],"certifications":[],"education":"high_school","endorsements":[],"evaluations":[],"experience":[],"id":"JBWD-003","leaves":[],"licenses":[{"expires":"2030-07-08","issued":null,"kind":"ca_driver_class_c"}],"name":"Cassius Thornbury-Wen","supervisor":"rdelgado"}','cdb46ae82a15bcea67bd603bd86607e92bad62814083819c8e048755e4b5a3ea',1,'2026-12-05T21:17:13.587026Z');
INSERT INTO "employees" VALUES('jbwd','JBWD-004',3,'Delphine Okoro-Vasquez','rdelgado','{"assignments":[{"class":"customer-support-specialist","end":null,"fte":"1","level":"I","position":null,"start":"2023-05-15"}],"certifications":[],"education":null,"endorsements":[],"evaluations":[],"experience":[{"employer":"Morongo Basin Dental Group","end":"2023-04-28","fte":"1","kinds":["clerical"],"public_utility":false,"start":"2018-09-04"}],"id":"JBWD-004","leaves":[],"licenses":[{"expires":"2027-11-30","issued":null,"kind":"ca_driver_class_c"}],"name":"Delphine Okoro-Vasquez","supervisor":"rdelgado"}','bc18d7c47396fc40f91476e75793b076d1192e0b1b44441a3b5efa56bb516726',1,'2026-12-05T21:17:13.587096Z');
INSERT INTO "employees" VALUES('jbwd','JBWD-005',4,'Emrys Kowalczyk-Bello','rdelgado','{"assignments":[{"class":"customer-support-specialist","end":null,"fte":"1","level":"I","position":null,"start":"2023-02-01"}],"certifications":[],"education":"high_school","endorsements":[],"evaluations":[],"experience":[{"employer":"Joshua Tree Realty Office","end":"2023-01-20","fte":"1","kinds":["clerical"],"public_utility":false,"start":"2019-06-10"}],"id":"JBWD-005","leaves":[],"licenses":[{"expires":null,"issued":"2021-03-02","kind":"ca_driver_class_c"}],"name":"Emrys Kowalczyk-Bello","supervisor":"rdelgado"}','c7ed168752ad98068d7e4e7722e59a65c5897d692fd8ca272b3c252a2fcb7f73',1,'2026-12-05T21:17:13.587190Z');
INSERT INTO "employees" VALUES('jbwd','JBWD-006',5,'Fenella Marchetti-Oyelowo','rdelgado','{"assignments":[{"class":"customer-support-specialist","end":null,"fte":"1","level":"I","position":null,"start":"2023-02-01"}],"certifications":[],"education":"associate","endorsements":[],"evaluations":[],"experience":[{"employer":"Landers Propane & Water Delivery","end":"2023-01-13","fte":"1","kinds":["customer_service","accounting"],"public_utility":true,"start":"2016-10-03"}],"id":"JBWD-006","leaves":[],"licenses":[{"expires":"2026-04-30","issued":null,"kind":"ca_driver_class_c"}],"name":"Fenella Marchetti-Oyelowo","supervisor":"rdelgado"}','eec461613fa61677a4c71dd48594219fbd6061ae58fd1616909c6c5015d5292e',1,'2026-12-05T21:17:13.587262Z');
INSERT INTO "employees" VALUES('jbwd','JBWD-007',6,'Gustavo Lindahl-Nwosu','rdelgado','{"assignments":[{"class":"customer-support-specialist","end":null,"fte":"1","level":"I","position":null,"start":"2023-02-01"}],"certifications":[],"education":"none","endorsements":[],"evaluations":[],"experience":[{"employer":"Pioneertown Trading Post","end":"2023-01-27","fte":"1","kinds":["customer_service"],"public_utility":false,"start":"2020-04-06"}],"id":"JBWD-007","leaves":[],"licenses":[{"expires":"2028-02-14","issued":null,"kind":"ca_driver_class_c"}],"name":"Gustavo Lindahl-Nwosu","supervisor":"rdelgado"}','0e547d4597ac9438e3f776371730faa25bfabc5a578e07309075ea16f849682b',1,'2026-12-05T21:17:13.587333Z');
INSERT INTO "employees" VALUES('jbwd','JBWD-008',7,'Honora Vance-Takahashi','tnakamura','{"assignments":[{"class":"customer-support-specialist","end":"2024-09-15","fte":"1","level":"I","position":null,"start":"2023-02-01"},{"class":"customer-support-specialist","end":null,"fte":"1","level":"II","position":"JBWD-POS-CSS2-1","start":"2024-09-16"}],"certifications":[],"education":"associate","endorsements":[],"evaluations":[],"experience":[{"employer":"Hi-Desert Medical Billing","end":"2023-01-20","fte":"1","kinds":["accounting","clerical"],"public_utility":false,"start":"2018-01-08"}],"id":"JBWD-008","leaves":[],"licenses":[{"expires":"2027-06-19","issued":null,"kind":"ca_driver_class_c"}],"name":"Honora Vance-Takahashi","supervisor":"tnakamura"}','fcb17eb29474b61497a7dc14337a3d7bb270d4effcca91a96137eaa55bb6151f',1,'2026-12-05T21:17:13.587417Z');
INSERT INTO "employees" VALUES('jbwd','JBWD-009',8,'Ishmael Crowther-Dube','tnakamura','{"assignments":[{"class":"customer-support-specialist","end":null,"fte":"1","level":"I","position":null,"start":"2023-02-13"}],"certifications":[],"education":"high_school","endorsements":[],"evaluations":[],"experience":[{"employer":"Twentynine Palms Cable Television","end":"2023-02-03","fte":"1","kinds":["customer_service"],"public_utility":false,"start":"2021-02-01"}],"id":"JBWD-009","leaves":[{"counts_toward_service":false,"end":"2025-04-04","start":"2025-01-06"}],"licenses":[{"expires":"2029-09-09","issued":null,"kind":"ca_driver_class_c"}],"name":"Ishmael Crowther-Dube","supervisor":"tnakamura"}','8320b1c004e858161e8e0b41ea8f3a6c4512d491426394c0b3f6d4411751ab9c',1,'2026-12-05T21:17:13.587495Z');
INSERT INTO "employees" VALUES('jbwd','JBWD-010',9,'Jessamyn Ravel-Ortega','tnakamura','{"assignments":[{"class":"customer-support-specialist","end":null,"fte":"1","level":"I","position":null,"start":"2023-02-01"}],"certifications":[],"education":"high_school","endorsements":[],"evaluations":[{"date":"2024-01-31","rating":"satisfactory"},{"date":"2025-12-15","rating":"unsatisfactory"}],"experience":[{"employer":"Copper Mountain Credit Union","end":"2022-12-16","fte":"1","kinds":["customer_service"],"public_utility":false,"start":"2017-06-05"}],"id":"JBWD-010","leaves":[],"licenses":[{"expires":"2027-03-21","issued":null,"kind":"ca_driver_class_c"}],"name":"Jessamyn Ravel-Ortega","supervisor":"tnakamura"}','099d4eae1cd06fd7fedd440dd0a82d680e3d689232db263fe78e90144891d544',1,'2026-12-05T21:17:13.587575Z');
INSERT INTO "employees" VALUES('jbwd','JBWD-011',10,'Kasimir Aldana-Forsythe','tnakamura','{"assignments":[{"class":"customer-support-specialist","end":null,"fte":"0.8","level":"I","position":null,"start":"2023-08-14"}],"certifications":[],"education":"bachelor","endorsements":[],"evaluations":[],"experience":[{"employer":"Hi-Desert Tax Service","end":"2023-08-11","fte":"0.5","kinds":["accounting"],"public_utility":false,"start":"2020-09-01"}],"id":"JBWD-011","leaves":[],"licenses":[{"expires":"2031-02-02","issued":null,"kind":"ca_driver_class_c"}],"name":"Kasimir Aldana-Forsythe","supervisor":"tnakamura"}','56275d7e3d3712e3df48a22633477375742d9f601734e485583611a9c64545a1',1,'2026-12-05T21:17:13.587643Z');
INSERT INTO "employees" VALUES('jbwd','JBWD-012',11,'Leocadia Ferreira-Holm','tnakamura','{"assignments":[{"class":"customer-support-specialist","end":null,"fte":"1","level":"I","position":null,"start":"2023-02-06"}],"certifications":[],"education":"high_school","endorsements":[],"evaluations":[],"experience":[{"employer":"Yucca Mesa Irrigation Supply","end":"2020-06-30","fte":"1","kinds":["clerical"],"public_utility":false,"start":"2018-03-05"},{"employer":"Desert Hot Springs Bookkeeping","end":"2023-01-27","fte":"1","kinds":["accounting"],"public_utility":false,"start":"2020-07-06"}],"id":"JBWD-012","leaves":[],"licenses":[{"expires":"2028-03-10","issued":null,"kind":"ca_driver_class_c"}],"name":"Leocadia Ferreira-Holm","supervisor":"tnakamura"}','50650e3d9db90d5fd12a46b34383b9665f12a263a8dab636b42bc0dcc8f4268c',1,'2026-12-05T21:17:13.587727Z');
INSERT INTO "employees" VALUES('jbwd','JBWD-013',12,'Montague Iwu-Castellano','tnakamura','{"assignments":[{"class":"customer-support-specialist","end":null,"fte":"1","level":"I","position":null,"start":"2025-06-02"}],"certifications":[],"education":"high_school","endorsements":[],"evaluations":[],"experience":[{"employer":"Joshua Tree Visitor Outfitters","end":"2025-05-16","fte":"1","kinds":["customer_service"],"public_utility":false,"start":"2023-09-05"}],"id":"JBWD-013","leaves":[],"licenses":[{"expires":"2030-05-16","issued":null,"kind":"ca_driver_class_c"}],"name":"Montague Iwu-Castellano","supervisor":"tnakamura"}','40adeed37e77ce997bc2e4ab742e8f340c9657d932c2d232e12950cb89f170c0',1,'2026-12-05T21:17:13.587796Z');
INSERT INTO "employees" VALUES('jbwd','JBWD-014',13,'Nerissa Obuya-Langford','tnakamura','{"assignments":[{"class":"customer-support-specialist","end":null,"fte":"1","level":"I","position":null,"start":"2023-02-01"}],"certifications":[],"education":"high_school","endorsements":[],"evaluations":[],"experience":[{"employer":"Copper Mountain Community Pantry","end":null,"fte":"0.5","kinds":["customer_service"],"public_utility":false,"start":"2022-05-02"}],"id":"JBWD-014","leaves":[],"licenses":[{"expires":"2029-12-01","issued":null,"kind":"ca_driver_class_c"}],"name":"Nerissa Obuya-Langford","supervisor":"tnakamura"}','c6a4e0281d4da34766262cce88292b55e858cd119423968fe547a71953e24505',1,'2026-12-05T21:17:13.587862Z');
CREATE TABLE endorsement_notes (
	id INTEGER NOT NULL, 
	agency VARCHAR(80) NOT NULL, 
	employee_id VARCHAR(200) NOT NULL, 
	kind VARCHAR(40) NOT NULL, 
	by_role VARCHAR(80) NOT NULL, 
	toward VARCHAR(200) NOT NULL, 
	date VARCHAR(10) NOT NULL, 
	comment TEXT, 
	account VARCHAR(200) NOT NULL, 
	recorded_at VARCHAR(40) NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE positions (
	agency VARCHAR(80) NOT NULL, 
	position_id VARCHAR(200) NOT NULL, 
	ord INTEGER NOT NULL, 
	position_json TEXT NOT NULL, 
	PRIMARY KEY (agency, position_id), 
	FOREIGN KEY(agency) REFERENCES agencies (agency)
);
INSERT INTO "positions" VALUES('jbwd','JBWD-POS-CSS2-1',0,'{"class":"customer-support-specialist","id":"JBWD-POS-CSS2-1","level":"II","vacant":false}');
INSERT INTO "positions" VALUES('jbwd','JBWD-POS-CSS1-6',1,'{"class":"customer-support-specialist","id":"JBWD-POS-CSS1-6","level":"I","vacant":true}');
CREATE TABLE service_meta (
	"key" VARCHAR(100) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY ("key")
);
INSERT INTO "service_meta" VALUES('activity_head_seq','3');
INSERT INTO "service_meta" VALUES('activity_head_hash','2c21b5a71ccb3a60c669fab3a18e4d256041a51309727b83b7f7ee2a7d797cbc');
CREATE TABLE tokens (
	id INTEGER NOT NULL, 
	account_id INTEGER NOT NULL, 
	token_sha256 VARCHAR(64) NOT NULL, 
	created_at VARCHAR(40) NOT NULL, 
	disabled BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(account_id) REFERENCES accounts (id), 
	UNIQUE (token_sha256)
);
CREATE INDEX employees_supervisor ON employees (agency, supervisor);
CREATE INDEX endorsement_notes_employee ON endorsement_notes (agency, employee_id);
CREATE INDEX activity_log_subject ON activity_log (subject);
CREATE INDEX activity_log_client ON activity_log (client);
CREATE TRIGGER activity_log_no_update BEFORE UPDATE ON activity_log BEGIN SELECT RAISE(ABORT, 'the activity log is append-only'); END;
CREATE TRIGGER activity_log_no_delete BEFORE DELETE ON activity_log BEGIN SELECT RAISE(ABORT, 'the activity log is append-only'); END;
CREATE INDEX eligibility_decisions_employee ON eligibility_decisions (employee_id);
CREATE TRIGGER eligibility_decisions_no_update BEFORE UPDATE ON eligibility_decisions BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
CREATE TRIGGER eligibility_decisions_no_delete BEFORE DELETE ON eligibility_decisions BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
COMMIT;
