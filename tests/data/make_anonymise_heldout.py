"""Builds tests/data/anonymise-heldout.jsonl: 150 texts written to differ from the dev set (other names,
streets, notations and sentence shapes), each piece of personal data marked inline as [[kind|value]].

    .venv/bin/python tests/data/make_anonymise_heldout.py

The markup is removed and every span's offsets recorded, then checked (text[start:end] == value).
Kinds: p person, a address, pc postcode, dob date_of_birth, ph phone, em email, nhs nhs_number,
ni ni_number, cr crime_reference, vrm vehicle_registration. NHS numbers are valid (mod 11).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

KINDS = {"p": "person", "a": "address", "pc": "postcode", "dob": "date_of_birth", "ph": "phone",
         "em": "email", "nhs": "nhs_number", "ni": "ni_number", "cr": "crime_reference",
         "vrm": "vehicle_registration"}

TEXTS = [
    # --- chronology lines with times
    "0312hrs: [[p|KOWALSKI, Marta]] rang 999 from [[ph|+44 7911 204518]] to say [[p|Tomasz]] had kicked the door in at [[a|Flat 3B, 12–14 Tŷ Gwyn Road]], Cardiff [[pc|CF24 4HQ]].",
    "14:20 – PC [[p|Rhys Evans]] stopped [[vrm|WN19 XKT]] on the A470; the driver, [[p|OKAFOR Chinedu]], gave a false name.",
    "22.45 Call from neighbour ([[ph|(029) 2087 0143]]) reporting shouting at [[a|Apartment 7, The Maltings]], Newport.",
    "06/03/2024 09:10 – [[p|Ngozi Adeyemi-Bello]] attended the front counter at Wrexham with her son [[p|Tobenna]] (DOB [[dob|14/09/2016]]).",
    "2115hrs DS [[p|Gwenllian ap Rhys]] reviewed the DASH and graded it high risk.",
    "16:02 ambulance to [[a|Pen-y-Bryn Farm]], Llanfair; [[p|Dafydd Llŷr]], 67, found on the yard.",
    "Thursday 11:40: the school DSL emailed [[em|r.iyer@example.sch.uk]] about [[p|Anaya]]'s absence.",
    "23:55 – [[p|Mindaugas Jankauskas]] arrested under a warrant; custody record [[cr|62/88123/24]].",
    "0740 hrs: [[p|Rahima Begum]] (d.o.b. [[dob|3.4.87]]) reported that her husband had taken the children to Luton.",
    "17:15 CCTV shows '[[p|Smudge]]' leaving the shop on Caroline Street.",
    "04:30 – Officers attended [[a|27 Bryn Eglur Close]], Merthyr Tydfil [[pc|cf47 9ln]] for the third time that week.",
    # --- police notation and capitals
    "SUBJECT: [[p|MENSAH KWAME]] (DOB [[dob|02-11-1991]]) – no fixed abode, last seen at Cathays station.",
    "IP: [[p|CONSTANTIN, Florin Mihai]], d.o.b. [[dob|21/06/1985]], NI [[ni|JM 56 21 04 B]].",
    "Suspect [[p|NGUYEN VAN THANH]] was found at a cannabis farm in [[a|Unit 4, Riverside Court]], Bridgend.",
    "[[p|QURESHI Imran]] was interviewed under caution and released on bail to [[a|19 Heol Maes y Coed]], Pontypridd.",
    "VICTIM: [[p|Faadumo HIRSI]]   TEL: [[ph|07452 918 630]]   EMAIL: [[em|faadumo.hirsi@example.com]]",
    "OFFENDER [[p|WIŚNIEWSKI, Krzysztof]] breached his non-molestation order twice in March.",
    "MS [[p|INÊS CARVALHO]] did not attend the strategy meeting.",
    "NAME: [[p|O'SULLIVAN, Padraig]] / DOB: [[dob|1979-08-30]] / VRM: [[vrm|P812 KLM]]",
    # --- initials
    "[[p|J. Mensah]] was spoken to by the neighbourhood team but no referral was made.",
    "The child, [[p|A.B.]], told her teacher that she was frightened to go home.",
    "Dr [[p|R. K. Venkatesan]] at the GP surgery raised concerns about Mrs [[p|Tran]]'s bruising.",
    "[[p|K.O.]] and [[p|T.B.]] were both present when the assault took place.",
    # --- nicknames
    "The suspect, known on the street as \"[[p|Little T]]\", was linked to the county line by phone data.",
    "[[p|Bubba]] (real name [[p|Kofi Boateng]]) was the line holder for the Swansea deal line.",
    "[[p|Kyle 'K-Dog' Harrington]] supplied crack cocaine to at least 14 users.",
    # --- first names alone and family members
    "The victim's brother, [[p|Tomasz]], called police twice but was told to ring back.",
    "Her son [[p|Kacper]] (aged 9) witnessed the assault but was never spoken to.",
    "[[p|Eilidh]]'s mother said that [[p|Hamish]] had threatened to burn the house down.",
    "The victim's daughter, [[p|Hope]], is 7 and was at school when officers attended.",
    "[[p|Rose]] had told her GP that she was afraid of [[p|Dwayne]], but the GP did not share it.",
    "[[p|Patience Owusu]] said that [[p|Blessing]], her niece, had been sent to Ghana.",
    "[[p|Precious]] went missing from her foster placement on three occasions in April.",
    "Officers spoke to [[p|Mercy Asante]] but did not ask about coercive control.",
    # --- lower case notes
    "nb rang [[p|kwame]] re his mum, says she is staying at [[a|flat 2, 118 cowbridge road east]] now",
    "spoke to [[p|ioana popescu]] at the door, [[p|florin]] not present, no injuries seen",
    "tel [[ph|07700900123]] rang out x3, voicemail left for ms [[p|nwosu]]",
    # --- witness statement style
    "I am [[p|Andreea Dumitrescu]] and I live at [[a|6 Clive Place]], Penarth [[pc|CF64 1AU]]. I have known [[p|Ionuț]] for two years.",
    "I was walking my dog near [[a|Rose Cottage, Heol y Felin]], Llandeilo when I heard a woman scream. I now know her to be [[p|Catriona Mackenzie]].",
    "On Friday I saw [[p|Rebaz Mahmoud]] punch [[p|Shilan]] in the face outside the takeaway on Albany Road.",
    "I have been shown a photograph of [[p|Jean-Baptiste Kabongo]] and I recognise him as the man who threatened me.",
    "My name is [[p|Harjinder Singh Gill]]. I am the licensee of the Red Lion and I called police at 23:10.",
    "I can be contacted on [[ph|+44 (0)29 2046 1198]] or at [[em|hsgill@example.co.uk]].",
    # --- partner agency notes: health
    "Partner contribution (Aneurin Bevan University Health Board): [[p|Saima Bibi]], NHS no. [[nhs|186 091 3903]], attended the Royal Gwent Hospital with a fractured wrist.",
    "Health: Mr [[p|Abdirahman Warsame]] (NHS [[nhs|996-030-8243]]) missed four mental health appointments before the incident.",
    "The health visitor saw baby [[p|Maja]] at [[a|Flat 11, Ashdown House]] on 12 June; mother [[p|Joanna Zielińska]] declined a follow-up.",
    "A&E notes record NHS number [[nhs|6281948211]] for [[p|Rajesh Iyer]] but no injury mechanism.",
    "GP record for [[p|Tahmina Akhtar]] (born [[dob|22 November 1979]]) lists three attendances for unexplained bruising.",
    "Midwife notes: [[p|Li Na]] (b. [[dob|09/01/2001]]) disclosed that her partner [[p|Chen Xiaoming]] controlled her money.",
    # --- partner agency notes: school
    "School (Ysgol Gyfun Gwent Is Coed): [[p|Dilan]] was absent 37 sessions in the autumn term; the EWO wrote to [[a|5 Maindee Parade]].",
    "Education: [[p|Oluwaseun Bakare]], Year 10, DOB [[dob|5/6/2009]], was excluded twice for carrying a knife.",
    "The head teacher, Mrs [[p|Ffion Bevan]], made a referral to Children's Services on the day [[p|Ama]] disclosed.",
    # --- partner agency notes: probation
    "Probation: [[p|Shahidul Islam]] was released on licence to Approved Premises at [[a|30 Plasturton Avenue]] and breached his curfew within a week.",
    "The offender manager did not know that [[p|Rui Gonçalves]] had moved to [[a|Apartment 12, Marina Heights]], Swansea [[pc|SA1 3XL]].",
    "Probation records held [[p|Jonas Kazlauskas]]'s NI number as [[ni|PR482913A]] and a mobile of [[ph|07385 667 012]].",
    # --- minutes of a meeting
    "Minutes, MARAC 14 March 2024. Present: DI [[p|Morgan]] (chair), IDVA, Children's Services. Case 4: [[p|Rūta Petrauskienė]] – perpetrator [[p|Jonas]] now living with his mother.",
    "Minutes: Dr [[p|Caoimhe Nic Aodha]] (Safeguarding Lead) noted that the referral for [[p|Sean]] was never acknowledged.",
    "Item 2 – the panel discussed [[p|Wong Ka-Ming]]'s case; the chair asked whether an interpreter had been offered.",
    # --- bullet lists
    "• Victim: [[p|Marta Kowalska]]\n• DOB: [[dob|17/02/1990]]\n• Address: [[a|88 Clarence Road]], Wrexham [[pc|LL11 1RR]]\n• Tel: [[ph|01978 290 441]]",
    "- Suspect: [[p|Pieter van der Berg]]\n- Vehicle: [[vrm|FTX 432W]]\n- Ref: [[cr|CR/2024/000231]]",
    "* [[p|Maria de la Cruz]] – witness\n* [[p|Kees van den Broek]] – witness\n* 2 officers on scene",
    "1. [[p|Laila El-Amin]] – victim, interpreter needed (Arabic)\n2. [[p|Hassan]] – husband, suspect\n3. Neighbour at [[a|14a Tudor Street]]",
    "Risk factors:\n- pregnancy\n- separation in January\n- [[p|Thornton-Bayliss]] has access to a shotgun",
    # --- DOB variants
    "[[p|Ella-Mae Thornton-Bayliss]] (aged 34, DOB [[dob|1989-02-11]]) had a non-molestation order against her ex-partner.",
    "[[p|Tomasz Wiśniewski]], born [[dob|3rd April 1987]], was known to the force for drink driving.",
    "The missing person, [[p|Eilidh MacKinnon]], date of birth [[dob|14 Feb 2003]], was found safe in Inverness.",
    "[[p|Gurpreet Kaur Sandhu]] D.O.B: [[dob|11-02-1989]] attended the station voluntarily.",
    "[[p|Abdi]] was born on the [[dob|9th of March 2011]] and was 12 at the time of the exploitation.",
    "DoB [[dob|30.07.2011]] was recorded for [[p|Kacper Nowak]] on the missing person form, but his sister gave [[dob|30.07.2010]].",
    "The PNC held [[p|Florin Constantin]] as [[dob|21/6/85]], which did not match his passport.",
    "[[p|Mohammed Abdul Karim]] ([[dob|07/12/1962]]) was the registered keeper of [[vrm|BD51 SMR]].",
    # --- NHS / NI in various forms
    "[[p|Hamish McAlister]]'s NI number ([[ni|SH 735102 D]]) was used to claim benefits at two addresses.",
    "National Insurance number [[ni|WK 20 91 57 C]] belongs to [[p|Adaobi Eze]], not to the suspect.",
    "NHS number [[nhs|937 865 7974]] was entered for both twins at Morriston Hospital.",
    "The pharmacy system linked NHS no [[nhs|5432319489]] to Mrs [[p|Pham]] although she had moved.",
    "NI: [[ni|ce 48 12 93 a]]; NHS: [[nhs|252-760-1898]] – both recorded for [[p|Dawit Tesfaye]].",
    # --- crime references
    "Crime number [[cr|4/9912/25]] was filed without a victim contract being agreed.",
    "Occurrence [[cr|2301/4567/24]] records [[p|Kerry Bolton]] as the informant.",
    "[[cr|CAD 0417 03/02/25]] was closed as 'advice given' although a child was present.",
    "The Niche record ([[cr|CR-2023-80412]]) lists [[p|Nkem]] as a witness only.",
    # --- vehicles
    "ANPR placed [[vrm|R479 GHJ]] in Cardiff at 02:14, half an hour before the burglary.",
    "[[p|Darius Nowicki]]'s van, [[vrm|KX17UJB]], was seized under section 165 of the Road Traffic Act 1988.",
    # --- Welsh language mixed
    "Gwers 2: Dylai'r swyddog fod wedi siarad â [[p|Rhian Morgan-Jones]] ar ei phen ei hun. Roedd hi'n byw yn [[a|4 Heol y Bont]], Caerfyrddin [[pc|SA31 1AB]].",
    "Argymhelliad 1: Ffoniodd [[p|Bethan Prys]] y llu ar [[ph|01267 234 567]] dair gwaith.",
    "Cafodd [[p|Owain ab Iorwerth]] ei arestio yn [[a|Tŷ Newydd, Lôn Goch]], Amlwch [[pc|LL68 9EN]].",
    # --- recommendations
    "Recommendation 5: Supervisors should check why [[p|Dumitrescu]] was not offered an interpreter at any of the 4 contacts.",
    "Recommendation 2: Officers must verify the address given by Mr [[p|Boateng]] against council records.",
    "Learning: When [[p|Adebayo Ogunleye]] reported the threats, nobody checked the PNC for the sender, [[p|Chukwuemeka Obi]].",
    "Learning point: the call handler spelled [[p|Siobhán]] as '[[p|Shivaun]]', so the history search found nothing.",
    # --- addresses of other shapes
    "The refuge moved [[p|Fatima Zahra Benali]] to [[a|Room 12, Ashdown House]], Slough, but her ex-partner found her within days.",
    "[[p|Aled Vaughan]] lived at [[a|The Old Rectory]], Llanbedr, with his elderly father.",
    "Police attended [[a|Flat 6/2, 45 Allison Street]], Glasgow [[pc|G42 8NG]] after a concern call about [[p|Morag Dunlop]].",
    "[[p|Bogdan Lupu]] gave his address as [[a|Caravan 14, Glan-y-Môr Park]], Tywyn.",
    "[[p|Seren Lloyd]] had moved from [[a|112 Whitchurch Road]] to [[a|58a Crwys Road]], Cardiff in 2022.",
    "The warrant was executed at [[a|2 Heol Tyn-y-Coed]], Caerphilly [[pc|CF83 1PQ]] but the address was wrong.",
    # --- emails and phones
    "[[p|Chinedu]] emailed the OIC from [[em|chinedu.okafor77@example.com]] asking for his phone back.",
    "The Cafcass officer, Ms [[p|Amara Nwachukwu]], can be reached on [[ph|0161-496-0754]].",
    "The landline [[ph|01633 258901]] was registered to [[p|Nguyen Thi Lan]].",
    # --- postcodes
    "[[p|Lina Haddad]]'s flat in Cardiff Bay, [[pc|CF10 5AL]], was flagged for a rapid response.",
    "[[p|Dominika Wójcik]] moved to Belfast ([[pc|BT9 6AD]]) and the case was transferred to the PSNI.",
    # --- mixed multi sentence
    "Lesson 6: The first response team found [[p|Marta]] hiding in a neighbour's garden. Her partner, [[p|Łukasz Nowakowski]] ([[dob|12/05/1983]]), had left in [[vrm|CA66 FMR]]. The DASH was not completed until the following day.",
    "Good practice: PCSO [[p|Yusuf Farah]] recognised that [[p|Abdirahman]] was being groomed and shared intelligence the same day.",
    "Debrief note: [[p|HUSSAIN, Nadia]] ([[nhs|555 979 7111]]) was discharged from the Princess of Wales Hospital without a safeguarding referral.",
    "Key finding: [[p|Aoife Byrne-McCarthy]] was never asked whether she wanted an Irish-speaking support worker; [[p|Ciarán]] was her main carer.",
    "Lesson 11: [[p|Victoria Nkemelu]] had phoned 101 eleven times; the calls were graded as routine.",
    "Lesson 4: [[p|Sunday Adeyemi]] was stopped on a Sunday evening with £3,000 in cash.",
    "The review found that [[p|Will Carter]] will need further support.",
    "[[p|Robin Ashby]] reported that the robin feeder had been used to hide drugs.",
    "[[p|Summer-Rose Keating]] was 15 and went missing in the summer holidays.",
    "[[p|Grace O'Donnell]] was granted a grace period by the landlord.",
    "[[p|MacDonald]] and [[p|McGregor]] were both named in the intelligence report.",
    "Lord and Lady [[p|Fitzwilliam-Hayes]] were the victims of the burglary.",
    "[[p|Ahmed bin Hamad]] was deported before the trial; [[p|Dilnoza Yusupova]] gave evidence by video link.",
    "[[p|Nguyen]] and [[p|Pham Duc]] were found working at the nail bar in Caernarfon.",
    "The suspect [[p|Ferreira da Silva]] has links to Portugal and Lincoln.",
    "Officers took a statement from [[p|Shauna]] at the hospital and from [[p|Tadhg Ó Murchú]] at home.",
    "[[p|Chester Ward]] drove from Chester to Wrexham after the assault.",
    "[[p|Faith Mbeki]] described her faith leader as supportive.",
    "Information from [[p|Matthew 'Matty' Kinsella]] led to the recovery of the firearm.",
    "When [[p|Natalia]] rang, she gave her date of birth as [[dob|1.12.95]] and her postcode as [[pc|LD1 5AB]].",
    # --- no personal data, many traps (30)
    "Lesson 1: Aneurin Bevan University Health Board and Cardiff and Vale University Health Board should share A&E attendance data with the MARAC.",
    "The IOPC investigation found that the force complied with the Children Act 1989 s.47 in 11 of 14 cases.",
    "Operation Bluebell ran from 3 April 2024 to 30 June 2024 and made 23 arrests in Wrexham and Mold.",
    "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services recommended that forces review their use of the Mental Health Act 1983 s.136.",
    "Hope for the future rests on training: 120 call handlers were trained by March.",
    "Grace periods for bail conditions should not be assumed.",
    "Patience is needed when interviewing children; the ABE guidance recommends breaks every 30 minutes.",
    "Will the new policy apply to North Wales Police? The chief officer group will decide on 14 May 2025.",
    "Dawn raids under Operation Sceptre recovered 40 knives across Newport, Cwmbran and Pontypool.",
    "CHRONOLOGY 01/02/2024 – 28/02/2024: NO CONTACT RECORDED BY ANY AGENCY.",
    "Recommendation 3: Betsi Cadwaladr University Health Board and Hywel Dda University Health Board should adopt the same referral form.",
    "The Lucy Faithfull Foundation and Stop It Now were commissioned to deliver the perpetrator programme.",
    "Gwers 5: Dylai pob swyddog gwblhau'r hyfforddiant DASH erbyn 31 Mawrth 2025.",
    "Argymhelliad 4: Dylai Heddlu Dyfed-Powys rannu gwybodaeth gyda'r Bwrdd Iechyd yn gynt.",
    "The Angiolini Inquiry and the Casey Review both found failures in vetting.",
    "Under Helen's Law and Clare's Law, 312 disclosures were made in Swansea in 2023.",
    "The Violence against Women, Domestic Abuse and Sexual Violence (Wales) Act 2015 places a duty on relevant authorities.",
    "The victim's mother, the school nurse and the duty social worker all attended the strategy meeting.",
    "Welsh Women's Aid, BAWSO and Llamau gave evidence to the review panel in Caerphilly.",
    "Section 76 of the Serious Crime Act 2015 was not considered by the officer in the case.",
    "Rose Street in Merthyr Tydfil has seen 17 burglaries since January.",
    "The High Street and Station Road in Bangor were covered by 4 extra patrols.",
    "Sunday and Monday shifts were short of 6 officers each.",
    "Operation Soteria Bluestone has changed how rape investigations are run in Gwent Police and South Wales Police.",
    "MISSING PERSONS – LESSONS FROM THE THEMATIC REVIEW (2024)",
    "The Stalking Protection Act 2019 allows a chief officer to apply for an order; none was sought in 2023.",
    "Probation Service, Youth Justice Service and the Crown Prosecution Service met on 9 October 2024.",
    "Cafcass Cymru and the Family Court in Cardiff were not told about the 3 earlier incidents.",
    "Ysbyty Gwynedd, Glan Clwyd Hospital and Wrexham Maelor Hospital all use the same safeguarding system.",
    "Tony's Law was discussed at the national conference in Birmingham on 12 September 2024.",
]


def build(raw: str) -> tuple[str, list[dict]]:
    text, spans, pos = "", [], 0
    for m in re.finditer(r"\[\[(\w+)\|(.+?)\]\]", raw, flags=re.S):
        text += raw[pos:m.start()]
        start = len(text)
        text += m.group(2)
        spans.append({"start": start, "end": len(text), "kind": KINDS[m.group(1)], "value": m.group(2)})
        pos = m.end()
    return text + raw[pos:], spans


def main() -> None:
    out = Path(__file__).with_name("anonymise-heldout.jsonl")
    rows = []
    for i, raw in enumerate(TEXTS, 1):
        text, spans = build(raw)
        for s in spans:
            assert text[s["start"]:s["end"]] == s["value"], (i, s)
            assert s["value"] == s["value"].strip() and s["value"], (i, s)
        assert "[[" not in text and "]]" not in text, i
        rows.append({"id": f"heldout-{i:04d}", "text": text, "spans": spans})
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    clean = sum(1 for r in rows if not r["spans"])
    print(f"{len(rows)} texts, {sum(len(r['spans']) for r in rows)} spans, {clean} without personal data -> {out}")


if __name__ == "__main__":
    main()
