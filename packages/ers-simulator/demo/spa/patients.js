// Generated from simulator/data/patients.ts by simulator/demo/generate.ts
window.DEMO_PATIENTS = [
 {
  "nhs": "9434765919",
  "title": "Mrs",
  "given": "Sarah",
  "family": "JONES",
  "dob": "14 Mar 1958",
  "sex": "Female",
  "address": "12 Park Row, Leeds",
  "postcode": "LS1 4AP",
  "gp": "B86001",
  "problems": [
   "Essential hypertension",
   "Exertional chest pain"
  ],
  "medications": [
   "Amlodipine 5mg tablets",
   "Atorvastatin 20mg tablets"
  ],
  "allergies": [
   "Penicillin - rash"
  ]
 },
 {
  "nhs": "9912003888",
  "title": "Mr",
  "given": "John",
  "family": "SMITH",
  "dob": "01 Jan 1970",
  "sex": "Male",
  "address": "4 High Street, Bromley",
  "postcode": "BR1 1AB",
  "gp": "R68",
  "problems": [
   "Heart failure"
  ],
  "medications": [
   "Bisoprolol 2.5mg tablets"
  ],
  "allergies": []
 },
 {
  "nhs": "9000000009",
  "title": "Miss",
  "given": "Amelia",
  "family": "TAYLOR",
  "dob": "22 Jul 2016",
  "sex": "Female",
  "address": "7 Cardigan Road, Leeds",
  "postcode": "LS6 2QD",
  "gp": "B86001",
  "problems": [
   "Recurrent tonsillitis"
  ],
  "medications": [],
  "allergies": [
   "No known drug allergies"
  ]
 },
 {
  "nhs": "4010232137",
  "title": "Mr",
  "given": "Ravi",
  "family": "PATEL",
  "dob": "05 Nov 1988",
  "sex": "Male",
  "address": "30 Woodhouse Lane, Leeds",
  "postcode": "LS2 9JT",
  "gp": "B86001",
  "problems": [
   "Knee pain",
   "Asthma"
  ],
  "medications": [
   "Salbutamol 100mcg inhaler"
  ],
  "allergies": []
 },
 {
  "nhs": "4857773457",
  "title": "Ms",
  "given": "Siobhán",
  "family": "O'BRIEN",
  "dob": "28 Feb 1979",
  "sex": "Female",
  "address": "88 Chapeltown Road, Leeds",
  "postcode": "LS7 3HB",
  "gp": "B86001",
  "problems": [
   "Change in bowel habit"
  ],
  "medications": [
   "Levothyroxine 50mcg tablets"
  ],
  "allergies": [
   "Latex"
  ]
 },
 {
  "nhs": "9733333336",
  "title": "Mr",
  "given": "George",
  "family": "WILLIAMS",
  "dob": "30 Jun 1945",
  "sex": "Male",
  "address": "2 Roundhay Road, Leeds",
  "postcode": "LS8 1AA",
  "gp": "B86001",
  "problems": [
   "Cataract",
   "Type 2 diabetes"
  ],
  "medications": [
   "Metformin 500mg tablets"
  ],
  "allergies": []
 },
 {
  "nhs": "9612345678",
  "title": "Mx",
  "given": "Alex",
  "family": "NOGP",
  "dob": "05 May 1990",
  "sex": "Unknown",
  "address": "No fixed abode",
  "postcode": "LS3 1AB",
  "gp": null,
  "problems": [],
  "medications": [],
  "allergies": []
 },
 {
  "nhs": "9456789012",
  "title": "Mr",
  "given": "Peter",
  "family": "PDSERROR",
  "dob": "09 Sep 1966",
  "sex": "Male",
  "address": "1 Burley Road, Leeds",
  "postcode": "LS4 2AB",
  "gp": "B86001",
  "problems": [],
  "medications": [],
  "allergies": []
 },
 {
  "nhs": "9321456783",
  "title": "Mrs",
  "given": "Nora",
  "family": "NOCODE",
  "dob": "12 Dec 1950",
  "sex": "Female",
  "address": "5 Kirkstall Lane, Leeds",
  "postcode": "LS5 3AB",
  "gp": "B86001",
  "problems": [],
  "medications": [],
  "allergies": []
 },
 {
  "nhs": "1000000001",
  "title": "Ms",
  "given": "Legacy",
  "family": "SAMPLE",
  "dob": "01 Jan 1975",
  "sex": "Female",
  "address": "Legacy example",
  "postcode": "LS1 2UT",
  "gp": "R68",
  "problems": [],
  "medications": [],
  "allergies": []
 }
];
