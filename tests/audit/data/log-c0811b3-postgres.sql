--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: eligibility_log_append_only(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.eligibility_log_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION 'the decision log is append-only'; END $$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: eligibility_decisions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.eligibility_decisions (
    seq bigint NOT NULL,
    decision_id text NOT NULL,
    recorded_at text NOT NULL,
    actor text NOT NULL,
    as_of text NOT NULL,
    agency text NOT NULL,
    employee_id text NOT NULL,
    requested_target text,
    record_sha256 text NOT NULL,
    record_json text,
    positions_sha256 text NOT NULL,
    rules_sha256 text NOT NULL,
    rules_version text NOT NULL,
    engine_version text NOT NULL,
    decision_json text NOT NULL,
    prev_hash text NOT NULL,
    entry_hash text NOT NULL
);


--
-- Name: eligibility_log_meta; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.eligibility_log_meta (
    key text NOT NULL,
    value text NOT NULL
);


--
-- Data for Name: eligibility_decisions; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.eligibility_decisions VALUES (1, '41388c9e-1941-4993-8ecc-1d8f788c9e1a', '2026-12-06T00:07:07.036774Z', 'Zoë Núñez', '2026-11-24', 'ccwd', 'CCWD-001', NULL, 'd8c00c274f1f76e1cd760a8fa97c43e75121b5eec8cded244ccb8b8a6769f473', NULL, '4947034fba00690c7536a6462e0ae222e20211bb2385c916041197de851a0f79', 'd6e385aef9a53410ff03d078387defbcd3d2220148ed719b08833c7457187b23', '2026.12.05', 'eligibility 0.2.0; durable_rules 2.0.28', '{
  "employee_id": "CCWD-001",
  "as_of": "2026-11-24",
  "agency": "ccwd",
  "current": "Customer Service Specialist I (customer-service-specialist:I)",
  "target": {
    "series": "customer-service-specialist",
    "level": "II",
    "title": "Customer Service Specialist II",
    "version": "2017",
    "version_effective": "2017-09-12",
    "pay": {
      "scale": "grade",
      "value": null,
      "same_as": null,
      "note": "no grade number is stated in the sources",
      "source": null
    }
  },
  "rules_version": "2026.12.05",
  "status": "eligible",
  "eligible_on": "2026-03-16",
  "time_met_on": "2025-06-14",
  "review": {
    "opens": "2025-06-14",
    "closes": "2026-06-14",
    "overdue_since": null
  },
  "still_needed": [],
  "flags": [],
  "caveats": [],
  "to_confirm": [
    {
      "what": "demonstrated ability to problem-solve customer issues and deal courteously with the public",
      "source": {
        "document": "ccwd-customer-service-specialist-2017.txt",
        "section": "MINIMUM QUALIFICATIONS: Customer Service Specialist II",
        "quote": "Demonstrated ability to problem-solve customer issues, and to deal courteously and effectively with the public."
      }
    },
    {
      "what": "demonstrated proficiency with MS Office (Excel) and customer service/utility billing systems",
      "source": {
        "document": "ccwd-customer-service-specialist-2017.txt",
        "section": "MINIMUM QUALIFICATIONS: Customer Service Specialist II",
        "quote": "Demonstrated proficiency with the use of computer software and systems including MS office (Excel) and customer service/utility billing systems."
      }
    },
    {
      "what": "Data Analytics/AMI/Web Portal or billing assignments: advanced proficiency with analytical software",
      "source": {
        "document": "ccwd-customer-service-specialist-2017.txt",
        "section": "MINIMUM QUALIFICATIONS: Customer Service Specialist II",
        "quote": "For work assignments, specializing in Data Analytics/AMI/Web Portal and/or utility billing, advanced proficiency with computer systems/analytical software is required."
      }
    },
    {
      "what": "demonstrated ability to analyze large sets of data and report conclusions",
      "source": {
        "document": "ccwd-customer-service-specialist-2017.txt",
        "section": "MINIMUM QUALIFICATIONS: Customer Service Specialist II",
        "quote": "Demonstrated ability to analyze large sets of data and to draw meaningful conclusions"
      }
    }
  ],
  "best_path": "advancement",
  "paths": [
    {
      "id": "advancement",
      "kind": "advancement",
      "description": "Customer Service Specialist I to II: four to five years of successful experience at level I, demonstrated proficiency, Office Manager recommendation and General Manager approval, and the class''s license and high-school requirements. No vacancy is required.",
      "status": "eligible",
      "eligible_on": "2026-03-16",
      "criteria": [
        {
          "id": "service_at_i",
          "kind": "service_time",
          "category": "time",
          "description": "4 years of service as Customer Service Specialist I (review window 4 to 5 years)",
          "met": true,
          "met_on": "2025-06-14",
          "projected": false,
          "missing": null,
          "evidence": {
            "credited_days": "1989",
            "first_credited_day": "2021-06-14",
            "periods_counted": 1,
            "required_days": 1461,
            "review_window_closes": "2026-06-14"
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist I: DISTINGUISHING CHARACTERISTICS",
            "quote": "after four to five years of successful experience at the"
          },
          "interpretation": "''Four to five years'' is read as: eligible once four years of service at level I are credited; advancement is expected to be reviewed by the time five years are credited. Service as Office Specialist I counts as level I service (same series, renamed)."
        },
        {
          "id": "successful_service",
          "kind": "performance",
          "category": "time",
          "description": "successful service: the years counted again after any unsatisfactory evaluation",
          "met": true,
          "met_on": "2025-06-14",
          "projected": false,
          "missing": null,
          "evidence": {
            "counted_from": "2021-06-14",
            "during": "service_at_i",
            "evaluations": 4,
            "unsatisfactory": []
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist I: DISTINGUISHING CHARACTERISTICS",
            "quote": "four to five years of successful experience"
          },
          "interpretation": "''Four to five years of successful experience'' is read as: the counted years must be successful, so an evaluation rated unsatisfactory restarts the count; this criterion is met once four years at level I are credited after the day of the latest unsatisfactory evaluation (by the same day-exact counting as the service). With no unsatisfactory evaluation it is met with the service criterion; where no evaluation at all is on file for the counted period, the decision carries a caveat saying so."
        },
        {
          "id": "proficiency_office_manager",
          "kind": "endorsement",
          "category": "endorsement",
          "description": "proficiency by the Office Manager",
          "met": true,
          "met_on": "2026-03-02",
          "projected": false,
          "missing": null,
          "evidence": {
            "by": "office_manager",
            "counted_from": "2025-03-16",
            "found": 1,
            "stale": [],
            "toward": "customer-service-specialist:II",
            "used": "proficiency by office_manager on 2026-03-02"
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist I: DISTINGUISHING CHARACTERISTICS",
            "quote": "demonstrated proficiency to perform higher level work of the"
          },
          "interpretation": "The spec does not say who judges the proficiency; it is read as documented by the Office Manager, to whom the class reports."
        },
        {
          "id": "recommendation_office_manager",
          "kind": "endorsement",
          "category": "endorsement",
          "description": "recommendation by the Office Manager",
          "met": true,
          "met_on": "2026-03-02",
          "projected": false,
          "missing": null,
          "evidence": {
            "by": "office_manager",
            "counted_from": "2025-03-16",
            "found": 1,
            "stale": [],
            "toward": "customer-service-specialist:II",
            "used": "recommendation by office_manager on 2026-03-02"
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist I: DISTINGUISHING CHARACTERISTICS",
            "quote": "recommendation of the Office Manager"
          },
          "interpretation": null
        },
        {
          "id": "approval_general_manager",
          "kind": "endorsement",
          "category": "endorsement",
          "description": "approval by the General Manager",
          "met": true,
          "met_on": "2026-03-16",
          "projected": false,
          "missing": null,
          "evidence": {
            "by": "general_manager",
            "counted_from": "2025-03-16",
            "found": 1,
            "stale": [],
            "toward": "customer-service-specialist:II",
            "used": "approval by general_manager on 2026-03-16"
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist I: DISTINGUISHING CHARACTERISTICS",
            "quote": "approval of the General Manager"
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
            "expires": "2028-09-30",
            "on_file": 1
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist II: MINIMUM QUALIFICATIONS",
            "quote": "Possess California Driver''s License."
          },
          "interpretation": "An advancement into Customer Service Specialist II includes the class''s license and education requirements; the five-year experience minimum is not added, because the advancement clause replaces it. The spec names no license class: read as an ordinary Class C license."
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
            "on_file": "associate",
            "required": "high_school"
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist II: MINIMUM QUALIFICATIONS",
            "quote": "High School diploma or equivalent."
          },
          "interpretation": "An advancement into Customer Service Specialist II includes the class''s education requirement (see the license criterion)."
        }
      ]
    },
    {
      "id": "open_entry",
      "kind": "open_entry",
      "description": "Appointment to Customer Service Specialist II on the 2017 minimum qualifications, into a vacant position.",
      "status": "awaiting_vacancy",
      "eligible_on": null,
      "criteria": [
        {
          "id": "customer_service_experience",
          "kind": "experience",
          "category": "time",
          "description": "5 years of customer service experience",
          "met": true,
          "met_on": "2026-06-14",
          "projected": false,
          "missing": null,
          "evidence": {
            "credited_days": "1989",
            "first_credited_day": "2021-06-14",
            "periods_counted": 1,
            "required_days": 1826
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist II: MINIMUM QUALIFICATIONS",
            "quote": "5+ years of experience in a customer service role, preferably in a water utility or public agency."
          },
          "interpretation": "''5+ years'' is read as at least five years; water utility or public agency experience is preferred, not required."
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
            "on_file": "associate",
            "required": "high_school"
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist II: MINIMUM QUALIFICATIONS",
            "quote": "High School diploma or equivalent."
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
            "expires": "2028-09-30",
            "on_file": 1
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist II: MINIMUM QUALIFICATIONS",
            "quote": "Possess California Driver''s License."
          },
          "interpretation": "The spec names no license class; a California Driver''s License is read as an ordinary Class C license."
        },
        {
          "id": "vacancy",
          "kind": "vacancy",
          "category": "vacancy",
          "description": "an open position as Customer Service Specialist II",
          "met": false,
          "met_on": null,
          "projected": false,
          "missing": "an open position as Customer Service Specialist II (none is vacant)",
          "evidence": {
            "vacant_positions": []
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Background",
            "quote": "We therefore request approval to repurpose our open position to a Customer Service Specialist II."
          },
          "interpretation": "Appointment on the minimum qualifications fills an open Customer Service Specialist II position, as the staff report does; the spec itself does not mention vacancies."
        }
      ]
    }
  ],
  "notes": [
    "Rules: Customer Service Specialist specification version 2017, in force since 2017-09-12.",
    "Review window: opens 2025-06-14, closes 2026-06-14 (its last day).",
    "Other path, appointment on the minimum qualifications: awaiting a vacancy.",
    "To confirm by hand (no record holds it; the status does not change): demonstrated ability to problem-solve customer issues and deal courteously with the public; demonstrated proficiency with MS Office (Excel) and customer service/utility billing systems; Data Analytics/AMI/Web Portal or billing assignments: advanced proficiency with analytical software; demonstrated ability to analyze large sets of data and report conclusions."
  ],
  "engine": "durable_rules 2.0.28"
}', '0000000000000000000000000000000000000000000000000000000000000000', '450372260c87582b2c46d8b43ea40cbf9206b26ce9804124a3d17ac17503d754');
INSERT INTO public.eligibility_decisions VALUES (2, 'd58f6dca-bf38-415a-95ca-98246fc6f54d', '2026-12-06T00:07:07.070982Z', 'root', '2026-11-24', 'ccwd', 'CCWD-002', NULL, '621a2e3171d2b57fd6fa98f3d7a8574f34e20e0c0e43495571f384632e630970', '{"assignments":[{"class":"customer-service-specialist","end":null,"fte":"1","level":"I","position":null,"start":"2022-02-07"}],"certifications":[],"education":"high_school","endorsements":[{"by":"office_manager","date":"2026-09-10","kind":"proficiency","toward":"customer-service-specialist:II"}],"evaluations":[{"date":"2023-02-28","rating":"satisfactory"},{"date":"2024-02-29","rating":"satisfactory"},{"date":"2025-02-28","rating":"exceeds"}],"experience":[],"id":"CCWD-002","leaves":[],"licenses":[{"expires":"2029-01-15","issued":null,"kind":"ca_driver_class_c"}],"name":"Dashiell Okonkwo-Pratt","supervisor":"lortiz"}', '4947034fba00690c7536a6462e0ae222e20211bb2385c916041197de851a0f79', 'd6e385aef9a53410ff03d078387defbcd3d2220148ed719b08833c7457187b23', '2026.12.05', 'eligibility 0.2.0; durable_rules 2.0.28', '{
  "employee_id": "CCWD-002",
  "as_of": "2026-11-24",
  "agency": "ccwd",
  "current": "Customer Service Specialist I (customer-service-specialist:I)",
  "target": {
    "series": "customer-service-specialist",
    "level": "II",
    "title": "Customer Service Specialist II",
    "version": "2017",
    "version_effective": "2017-09-12",
    "pay": {
      "scale": "grade",
      "value": null,
      "same_as": null,
      "note": "no grade number is stated in the sources",
      "source": null
    }
  },
  "rules_version": "2026.12.05",
  "status": "awaiting_approval",
  "eligible_on": null,
  "time_met_on": "2026-02-07",
  "review": {
    "opens": "2026-02-07",
    "closes": "2027-02-07",
    "overdue_since": null
  },
  "still_needed": [
    {
      "criterion": "recommendation_office_manager",
      "kind": "endorsement",
      "by": "office_manager",
      "text": "recommendation by the Office Manager"
    },
    {
      "criterion": "approval_general_manager",
      "kind": "endorsement",
      "by": "general_manager",
      "text": "approval by the General Manager"
    }
  ],
  "flags": [],
  "caveats": [],
  "to_confirm": [
    {
      "what": "demonstrated ability to problem-solve customer issues and deal courteously with the public",
      "source": {
        "document": "ccwd-customer-service-specialist-2017.txt",
        "section": "MINIMUM QUALIFICATIONS: Customer Service Specialist II",
        "quote": "Demonstrated ability to problem-solve customer issues, and to deal courteously and effectively with the public."
      }
    },
    {
      "what": "demonstrated proficiency with MS Office (Excel) and customer service/utility billing systems",
      "source": {
        "document": "ccwd-customer-service-specialist-2017.txt",
        "section": "MINIMUM QUALIFICATIONS: Customer Service Specialist II",
        "quote": "Demonstrated proficiency with the use of computer software and systems including MS office (Excel) and customer service/utility billing systems."
      }
    },
    {
      "what": "Data Analytics/AMI/Web Portal or billing assignments: advanced proficiency with analytical software",
      "source": {
        "document": "ccwd-customer-service-specialist-2017.txt",
        "section": "MINIMUM QUALIFICATIONS: Customer Service Specialist II",
        "quote": "For work assignments, specializing in Data Analytics/AMI/Web Portal and/or utility billing, advanced proficiency with computer systems/analytical software is required."
      }
    },
    {
      "what": "demonstrated ability to analyze large sets of data and report conclusions",
      "source": {
        "document": "ccwd-customer-service-specialist-2017.txt",
        "section": "MINIMUM QUALIFICATIONS: Customer Service Specialist II",
        "quote": "Demonstrated ability to analyze large sets of data and to draw meaningful conclusions"
      }
    }
  ],
  "best_path": "advancement",
  "paths": [
    {
      "id": "advancement",
      "kind": "advancement",
      "description": "Customer Service Specialist I to II: four to five years of successful experience at level I, demonstrated proficiency, Office Manager recommendation and General Manager approval, and the class''s license and high-school requirements. No vacancy is required.",
      "status": "awaiting_approval",
      "eligible_on": null,
      "criteria": [
        {
          "id": "service_at_i",
          "kind": "service_time",
          "category": "time",
          "description": "4 years of service as Customer Service Specialist I (review window 4 to 5 years)",
          "met": true,
          "met_on": "2026-02-07",
          "projected": false,
          "missing": null,
          "evidence": {
            "credited_days": "1751",
            "first_credited_day": "2022-02-07",
            "periods_counted": 1,
            "required_days": 1461,
            "review_window_closes": "2027-02-07"
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist I: DISTINGUISHING CHARACTERISTICS",
            "quote": "after four to five years of successful experience at the"
          },
          "interpretation": "''Four to five years'' is read as: eligible once four years of service at level I are credited; advancement is expected to be reviewed by the time five years are credited. Service as Office Specialist I counts as level I service (same series, renamed)."
        },
        {
          "id": "successful_service",
          "kind": "performance",
          "category": "time",
          "description": "successful service: the years counted again after any unsatisfactory evaluation",
          "met": true,
          "met_on": "2026-02-07",
          "projected": false,
          "missing": null,
          "evidence": {
            "counted_from": "2022-02-07",
            "during": "service_at_i",
            "evaluations": 3,
            "unsatisfactory": []
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist I: DISTINGUISHING CHARACTERISTICS",
            "quote": "four to five years of successful experience"
          },
          "interpretation": "''Four to five years of successful experience'' is read as: the counted years must be successful, so an evaluation rated unsatisfactory restarts the count; this criterion is met once four years at level I are credited after the day of the latest unsatisfactory evaluation (by the same day-exact counting as the service). With no unsatisfactory evaluation it is met with the service criterion; where no evaluation at all is on file for the counted period, the decision carries a caveat saying so."
        },
        {
          "id": "proficiency_office_manager",
          "kind": "endorsement",
          "category": "endorsement",
          "description": "proficiency by the Office Manager",
          "met": true,
          "met_on": "2026-09-10",
          "projected": false,
          "missing": null,
          "evidence": {
            "by": "office_manager",
            "counted_from": "2025-11-09",
            "found": 1,
            "stale": [],
            "toward": "customer-service-specialist:II",
            "used": "proficiency by office_manager on 2026-09-10"
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist I: DISTINGUISHING CHARACTERISTICS",
            "quote": "demonstrated proficiency to perform higher level work of the"
          },
          "interpretation": "The spec does not say who judges the proficiency; it is read as documented by the Office Manager, to whom the class reports."
        },
        {
          "id": "recommendation_office_manager",
          "kind": "endorsement",
          "category": "endorsement",
          "description": "recommendation by the Office Manager",
          "met": false,
          "met_on": null,
          "projected": false,
          "missing": "recommendation by the Office Manager",
          "evidence": {
            "by": "office_manager",
            "counted_from": "2025-11-09",
            "found": 0,
            "stale": [],
            "toward": "customer-service-specialist:II"
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist I: DISTINGUISHING CHARACTERISTICS",
            "quote": "recommendation of the Office Manager"
          },
          "interpretation": null
        },
        {
          "id": "approval_general_manager",
          "kind": "endorsement",
          "category": "endorsement",
          "description": "approval by the General Manager",
          "met": false,
          "met_on": null,
          "projected": false,
          "missing": "approval by the General Manager",
          "evidence": {
            "by": "general_manager",
            "counted_from": "2025-11-09",
            "found": 0,
            "stale": [],
            "toward": "customer-service-specialist:II"
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist I: DISTINGUISHING CHARACTERISTICS",
            "quote": "approval of the General Manager"
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
            "expires": "2029-01-15",
            "on_file": 1
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist II: MINIMUM QUALIFICATIONS",
            "quote": "Possess California Driver''s License."
          },
          "interpretation": "An advancement into Customer Service Specialist II includes the class''s license and education requirements; the five-year experience minimum is not added, because the advancement clause replaces it. The spec names no license class: read as an ordinary Class C license."
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
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist II: MINIMUM QUALIFICATIONS",
            "quote": "High School diploma or equivalent."
          },
          "interpretation": "An advancement into Customer Service Specialist II includes the class''s education requirement (see the license criterion)."
        }
      ]
    },
    {
      "id": "open_entry",
      "kind": "open_entry",
      "description": "Appointment to Customer Service Specialist II on the 2017 minimum qualifications, into a vacant position.",
      "status": "not_yet",
      "eligible_on": "2027-02-07",
      "criteria": [
        {
          "id": "customer_service_experience",
          "kind": "experience",
          "category": "time",
          "description": "5 years of customer service experience",
          "met": false,
          "met_on": "2027-02-07",
          "projected": true,
          "missing": "5 years of customer service experience: met on 2027-02-07 (in 75 calendar days)",
          "evidence": {
            "credited_days": "1751",
            "first_credited_day": "2022-02-07",
            "periods_counted": 1,
            "required_days": 1826
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist II: MINIMUM QUALIFICATIONS",
            "quote": "5+ years of experience in a customer service role, preferably in a water utility or public agency."
          },
          "interpretation": "''5+ years'' is read as at least five years; water utility or public agency experience is preferred, not required."
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
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist II: MINIMUM QUALIFICATIONS",
            "quote": "High School diploma or equivalent."
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
            "expires": "2029-01-15",
            "on_file": 1
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist II: MINIMUM QUALIFICATIONS",
            "quote": "Possess California Driver''s License."
          },
          "interpretation": "The spec names no license class; a California Driver''s License is read as an ordinary Class C license."
        },
        {
          "id": "vacancy",
          "kind": "vacancy",
          "category": "vacancy",
          "description": "an open position as Customer Service Specialist II",
          "met": false,
          "met_on": null,
          "projected": false,
          "missing": "an open position as Customer Service Specialist II (none is vacant)",
          "evidence": {
            "vacant_positions": []
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Background",
            "quote": "We therefore request approval to repurpose our open position to a Customer Service Specialist II."
          },
          "interpretation": "Appointment on the minimum qualifications fills an open Customer Service Specialist II position, as the staff report does; the spec itself does not mention vacancies."
        }
      ]
    }
  ],
  "notes": [
    "Rules: Customer Service Specialist specification version 2017, in force since 2017-09-12.",
    "Review window: opens 2026-02-07, closes 2027-02-07 (its last day).",
    "Waiting on: recommendation by the Office Manager; approval by the General Manager.",
    "Other path, appointment on the minimum qualifications: not yet (time met on 2027-02-07).",
    "To confirm by hand (no record holds it; the status does not change): demonstrated ability to problem-solve customer issues and deal courteously with the public; demonstrated proficiency with MS Office (Excel) and customer service/utility billing systems; Data Analytics/AMI/Web Portal or billing assignments: advanced proficiency with analytical software; demonstrated ability to analyze large sets of data and report conclusions."
  ],
  "engine": "durable_rules 2.0.28"
}', '450372260c87582b2c46d8b43ea40cbf9206b26ce9804124a3d17ac17503d754', '3ac7bc31ea57311cb9c4348cd05367ea3b7881c4087bd0fc7429811c9d1a9d18');
INSERT INTO public.eligibility_decisions VALUES (3, '7f8df0de-3cdd-4eee-9abe-16b6e34b6254', '2026-12-06T00:07:07.102099Z', 'auditor.ccwd', '2026-12-01', 'ccwd', 'CCWD-003', NULL, 'fed68c5358fba5a8c6514daa0694b4b78673fdc4a17d4d74cdf50cca12ca34d2', NULL, '4947034fba00690c7536a6462e0ae222e20211bb2385c916041197de851a0f79', 'd6e385aef9a53410ff03d078387defbcd3d2220148ed719b08833c7457187b23', '2026.12.05', 'eligibility 0.2.0; durable_rules 2.0.28', '{
  "employee_id": "CCWD-003",
  "as_of": "2026-12-01",
  "agency": "ccwd",
  "current": "Customer Service Specialist I (customer-service-specialist:I)",
  "target": {
    "series": "customer-service-specialist",
    "level": "II",
    "title": "Customer Service Specialist II",
    "version": "2017",
    "version_effective": "2017-09-12",
    "pay": {
      "scale": "grade",
      "value": null,
      "same_as": null,
      "note": "no grade number is stated in the sources",
      "source": null
    }
  },
  "rules_version": "2026.12.05",
  "status": "awaiting_approval",
  "eligible_on": null,
  "time_met_on": "2019-08-17",
  "review": {
    "opens": "2019-08-17",
    "closes": "2020-08-16",
    "overdue_since": "2020-08-17"
  },
  "still_needed": [
    {
      "criterion": "proficiency_office_manager",
      "kind": "endorsement",
      "by": "office_manager",
      "text": "proficiency by the Office Manager"
    },
    {
      "criterion": "recommendation_office_manager",
      "kind": "endorsement",
      "by": "office_manager",
      "text": "recommendation by the Office Manager"
    },
    {
      "criterion": "approval_general_manager",
      "kind": "endorsement",
      "by": "general_manager",
      "text": "approval by the General Manager"
    }
  ],
  "flags": [],
  "caveats": [],
  "to_confirm": [
    {
      "what": "demonstrated ability to problem-solve customer issues and deal courteously with the public",
      "source": {
        "document": "ccwd-customer-service-specialist-2017.txt",
        "section": "MINIMUM QUALIFICATIONS: Customer Service Specialist II",
        "quote": "Demonstrated ability to problem-solve customer issues, and to deal courteously and effectively with the public."
      }
    },
    {
      "what": "demonstrated proficiency with MS Office (Excel) and customer service/utility billing systems",
      "source": {
        "document": "ccwd-customer-service-specialist-2017.txt",
        "section": "MINIMUM QUALIFICATIONS: Customer Service Specialist II",
        "quote": "Demonstrated proficiency with the use of computer software and systems including MS office (Excel) and customer service/utility billing systems."
      }
    },
    {
      "what": "Data Analytics/AMI/Web Portal or billing assignments: advanced proficiency with analytical software",
      "source": {
        "document": "ccwd-customer-service-specialist-2017.txt",
        "section": "MINIMUM QUALIFICATIONS: Customer Service Specialist II",
        "quote": "For work assignments, specializing in Data Analytics/AMI/Web Portal and/or utility billing, advanced proficiency with computer systems/analytical software is required."
      }
    },
    {
      "what": "demonstrated ability to analyze large sets of data and report conclusions",
      "source": {
        "document": "ccwd-customer-service-specialist-2017.txt",
        "section": "MINIMUM QUALIFICATIONS: Customer Service Specialist II",
        "quote": "Demonstrated ability to analyze large sets of data and to draw meaningful conclusions"
      }
    }
  ],
  "best_path": "advancement",
  "paths": [
    {
      "id": "advancement",
      "kind": "advancement",
      "description": "Customer Service Specialist I to II: four to five years of successful experience at level I, demonstrated proficiency, Office Manager recommendation and General Manager approval, and the class''s license and high-school requirements. No vacancy is required.",
      "status": "awaiting_approval",
      "eligible_on": null,
      "criteria": [
        {
          "id": "service_at_i",
          "kind": "service_time",
          "category": "time",
          "description": "4 years of service as Customer Service Specialist I (review window 4 to 5 years)",
          "met": true,
          "met_on": "2019-08-17",
          "projected": false,
          "missing": null,
          "evidence": {
            "credited_days": "4124",
            "first_credited_day": "2014-08-18",
            "periods_counted": 2,
            "required_days": 1461,
            "review_window_closes": "2020-08-16"
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist I: DISTINGUISHING CHARACTERISTICS",
            "quote": "after four to five years of successful experience at the"
          },
          "interpretation": "''Four to five years'' is read as: eligible once four years of service at level I are credited; advancement is expected to be reviewed by the time five years are credited. Service as Office Specialist I counts as level I service (same series, renamed)."
        },
        {
          "id": "successful_service",
          "kind": "performance",
          "category": "time",
          "description": "successful service: the years counted again after any unsatisfactory evaluation",
          "met": true,
          "met_on": "2019-08-17",
          "projected": false,
          "missing": null,
          "evidence": {
            "counted_from": "2014-08-18",
            "during": "service_at_i",
            "evaluations": 3,
            "unsatisfactory": []
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist I: DISTINGUISHING CHARACTERISTICS",
            "quote": "four to five years of successful experience"
          },
          "interpretation": "''Four to five years of successful experience'' is read as: the counted years must be successful, so an evaluation rated unsatisfactory restarts the count; this criterion is met once four years at level I are credited after the day of the latest unsatisfactory evaluation (by the same day-exact counting as the service). With no unsatisfactory evaluation it is met with the service criterion; where no evaluation at all is on file for the counted period, the decision carries a caveat saying so."
        },
        {
          "id": "proficiency_office_manager",
          "kind": "endorsement",
          "category": "endorsement",
          "description": "proficiency by the Office Manager",
          "met": false,
          "met_on": null,
          "projected": false,
          "missing": "proficiency by the Office Manager",
          "evidence": {
            "by": "office_manager",
            "counted_from": "2019-05-19",
            "found": 0,
            "stale": [],
            "toward": "customer-service-specialist:II"
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist I: DISTINGUISHING CHARACTERISTICS",
            "quote": "demonstrated proficiency to perform higher level work of the"
          },
          "interpretation": "The spec does not say who judges the proficiency; it is read as documented by the Office Manager, to whom the class reports."
        },
        {
          "id": "recommendation_office_manager",
          "kind": "endorsement",
          "category": "endorsement",
          "description": "recommendation by the Office Manager",
          "met": false,
          "met_on": null,
          "projected": false,
          "missing": "recommendation by the Office Manager",
          "evidence": {
            "by": "office_manager",
            "counted_from": "2019-05-19",
            "found": 0,
            "stale": [],
            "toward": "customer-service-specialist:II"
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist I: DISTINGUISHING CHARACTERISTICS",
            "quote": "recommendation of the Office Manager"
          },
          "interpretation": null
        },
        {
          "id": "approval_general_manager",
          "kind": "endorsement",
          "category": "endorsement",
          "description": "approval by the General Manager",
          "met": false,
          "met_on": null,
          "projected": false,
          "missing": "approval by the General Manager",
          "evidence": {
            "by": "general_manager",
            "counted_from": "2019-05-19",
            "found": 0,
            "stale": [],
            "toward": "customer-service-specialist:II"
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist I: DISTINGUISHING CHARACTERISTICS",
            "quote": "approval of the General Manager"
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
            "expires": "2027-05-31",
            "on_file": 1
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist II: MINIMUM QUALIFICATIONS",
            "quote": "Possess California Driver''s License."
          },
          "interpretation": "An advancement into Customer Service Specialist II includes the class''s license and education requirements; the five-year experience minimum is not added, because the advancement clause replaces it. The spec names no license class: read as an ordinary Class C license."
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
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist II: MINIMUM QUALIFICATIONS",
            "quote": "High School diploma or equivalent."
          },
          "interpretation": "An advancement into Customer Service Specialist II includes the class''s education requirement (see the license criterion)."
        }
      ]
    },
    {
      "id": "open_entry",
      "kind": "open_entry",
      "description": "Appointment to Customer Service Specialist II on the 2017 minimum qualifications, into a vacant position.",
      "status": "awaiting_vacancy",
      "eligible_on": null,
      "criteria": [
        {
          "id": "customer_service_experience",
          "kind": "experience",
          "category": "time",
          "description": "5 years of customer service experience",
          "met": true,
          "met_on": "2020-08-16",
          "projected": false,
          "missing": null,
          "evidence": {
            "credited_days": "4124",
            "first_credited_day": "2014-08-18",
            "periods_counted": 2,
            "required_days": 1826
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist II: MINIMUM QUALIFICATIONS",
            "quote": "5+ years of experience in a customer service role, preferably in a water utility or public agency."
          },
          "interpretation": "''5+ years'' is read as at least five years; water utility or public agency experience is preferred, not required."
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
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist II: MINIMUM QUALIFICATIONS",
            "quote": "High School diploma or equivalent."
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
            "expires": "2027-05-31",
            "on_file": 1
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Customer Service Specialist II: MINIMUM QUALIFICATIONS",
            "quote": "Possess California Driver''s License."
          },
          "interpretation": "The spec names no license class; a California Driver''s License is read as an ordinary Class C license."
        },
        {
          "id": "vacancy",
          "kind": "vacancy",
          "category": "vacancy",
          "description": "an open position as Customer Service Specialist II",
          "met": false,
          "met_on": null,
          "projected": false,
          "missing": "an open position as Customer Service Specialist II (none is vacant)",
          "evidence": {
            "vacant_positions": []
          },
          "source": {
            "document": "ccwd-customer-service-specialist-2017.txt",
            "section": "Background",
            "quote": "We therefore request approval to repurpose our open position to a Customer Service Specialist II."
          },
          "interpretation": "Appointment on the minimum qualifications fills an open Customer Service Specialist II position, as the staff report does; the spec itself does not mention vacancies."
        }
      ]
    }
  ],
  "notes": [
    "Rules: Customer Service Specialist specification version 2017, in force since 2017-09-12.",
    "Review window: opens 2019-08-17, closes 2020-08-16 (its last day).",
    "Review overdue since 2020-08-17.",
    "Waiting on: proficiency by the Office Manager; recommendation by the Office Manager; approval by the General Manager.",
    "Other path, appointment on the minimum qualifications: awaiting a vacancy.",
    "To confirm by hand (no record holds it; the status does not change): demonstrated ability to problem-solve customer issues and deal courteously with the public; demonstrated proficiency with MS Office (Excel) and customer service/utility billing systems; Data Analytics/AMI/Web Portal or billing assignments: advanced proficiency with analytical software; demonstrated ability to analyze large sets of data and report conclusions."
  ],
  "engine": "durable_rules 2.0.28"
}', '3ac7bc31ea57311cb9c4348cd05367ea3b7881c4087bd0fc7429811c9d1a9d18', 'c097f00ea1ca043f44244b9c66e7fcff072bfa66cc31811c91099da932d101f6');


--
-- Data for Name: eligibility_log_meta; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.eligibility_log_meta VALUES ('format', 'eligibility-decision-log/1');
INSERT INTO public.eligibility_log_meta VALUES ('head_seq', '3');
INSERT INTO public.eligibility_log_meta VALUES ('head_hash', 'c097f00ea1ca043f44244b9c66e7fcff072bfa66cc31811c91099da932d101f6');
INSERT INTO public.eligibility_log_meta VALUES ('head_hmac', 'c56b53d44a1fbfa2aef2a637d581b87c426fef04a2f75c414f837c086b8a4cf0');


--
-- Name: eligibility_decisions eligibility_decisions_decision_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.eligibility_decisions
    ADD CONSTRAINT eligibility_decisions_decision_id_key UNIQUE (decision_id);


--
-- Name: eligibility_decisions eligibility_decisions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.eligibility_decisions
    ADD CONSTRAINT eligibility_decisions_pkey PRIMARY KEY (seq);


--
-- Name: eligibility_log_meta eligibility_log_meta_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.eligibility_log_meta
    ADD CONSTRAINT eligibility_log_meta_pkey PRIMARY KEY (key);


--
-- Name: eligibility_decisions_employee; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX eligibility_decisions_employee ON public.eligibility_decisions USING btree (employee_id);


--
-- Name: eligibility_decisions eligibility_decisions_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER eligibility_decisions_append_only BEFORE DELETE OR UPDATE ON public.eligibility_decisions FOR EACH ROW EXECUTE FUNCTION public.eligibility_log_append_only();


--
-- Name: eligibility_decisions eligibility_decisions_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER eligibility_decisions_no_truncate BEFORE TRUNCATE ON public.eligibility_decisions FOR EACH STATEMENT EXECUTE FUNCTION public.eligibility_log_append_only();


--
-- PostgreSQL database dump complete
--


