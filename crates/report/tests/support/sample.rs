//! A realistic case for the tests, the benchmark and the example: a cardiology second
//! opinion with three specialists' opinions, long enough to run over five pages, with an
//! Arabic patient name and an Arabic category label among the English.

#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use report::{
    BilledTo, CaseReport, DocumentLine, InvoiceDoc, OpinionBlock, PatientBlock, SummaryBlock,
};

pub const PATIENT_NAME: &str = "محمد عبد الله";
pub const CATEGORY_ARABIC: &str = "مرض الشريان التاجي";

pub fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, minute, 0)
        .single()
        .expect("a valid date")
}

pub fn report() -> CaseReport {
    CaseReport {
        service_name: "King Faisal Specialist Hospital · Second Opinion Service".into(),
        case_reference: "SO-2026-00042".into(),
        patient: PatientBlock {
            full_name: PATIENT_NAME.into(),
            date_of_birth: NaiveDate::from_ymd_opt(1967, 11, 4).expect("a valid date"),
            sex: "Male".into(),
            medical_record_number: Some("MRN-448213".into()),
        },
        review_type: "Cardiology second opinion".into(),
        disease_category: format!("Coronary artery disease ({CATEGORY_ARABIC})"),
        question: "Is coronary artery bypass grafting preferable to multivessel percutaneous \
                   coronary intervention for this patient, given his diabetes, his reduced \
                   left ventricular function and the SYNTAX score reported by the referring \
                   centre? If intervention is advised, should the chronic total occlusion of \
                   the right coronary artery be treated?"
            .into(),
        clinical_summary: CLINICAL_SUMMARY.into(),
        documents: vec![
            document(
                "Coronary angiography report 2026-02-18.pdf",
                "Medical report",
                482_133,
                1,
                9,
                12,
            ),
            document(
                "Angiography cine loops (selected frames).zip",
                "Imaging",
                48_320_512,
                1,
                9,
                14,
            ),
            document(
                "Transthoracic echocardiogram.pdf",
                "Imaging",
                1_204_224,
                1,
                9,
                15,
            ),
            document(
                "Cardiac MRI with late gadolinium enhancement.pdf",
                "Imaging",
                3_460_301,
                1,
                9,
                17,
            ),
            document(
                "HbA1c, lipid panel, renal function.pdf",
                "Lab result",
                96_412,
                1,
                9,
                20,
            ),
            document("Current medications.pdf", "Prescription", 38_920, 1, 9, 21),
            document(
                "Referral letter — Dr. Al-Qahtani.pdf",
                "Other",
                120_551,
                1,
                9,
                22,
            ),
        ],
        opinions: vec![
            OpinionBlock {
                provider_name: "Dr. Sarah Whitfield".into(),
                specialty: "Interventional cardiology".into(),
                submitted_at: at(6, 14, 5),
                assessment: OPINION_1_ASSESSMENT.into(),
                diagnosis: "Three-vessel coronary artery disease with proximal left anterior \
                            descending involvement (SYNTAX score 31), chronic total occlusion \
                            of the right coronary artery with good collateral filling, \
                            ischaemic cardiomyopathy with left ventricular ejection fraction \
                            38%, type 2 diabetes mellitus on insulin."
                    .into(),
                recommendations: OPINION_1_RECOMMENDATIONS.into(),
                answers: OPINION_1_ANSWERS.into(),
                references: "1. Farkouh ME et al. Strategies for multivessel revascularization \
                             in patients with diabetes (FREEDOM). N Engl J Med 2012;367:2375-84.\n\
                             2. Neumann FJ et al. 2018 ESC/EACTS Guidelines on myocardial \
                             revascularization. Eur Heart J 2019;40:87-165.\n\
                             3. Perera D et al. Percutaneous revascularization for ischemic left \
                             ventricular dysfunction (REVIVED-BCIS2). N Engl J Med \
                             2022;387:1351-60. https://doi.org/10.1056/NEJMoa2206606"
                    .into(),
            },
            OpinionBlock {
                provider_name: "Dr. Khalid Al-Mansour".into(),
                specialty: "Cardiothoracic surgery".into(),
                submitted_at: at(7, 9, 40),
                assessment: OPINION_2_ASSESSMENT.into(),
                diagnosis: "Multivessel coronary artery disease suitable for surgical \
                            revascularisation; viable myocardium in the left anterior \
                            descending and circumflex territories; moderate surgical risk \
                            (EuroSCORE II 2.4%)."
                    .into(),
                recommendations: OPINION_2_RECOMMENDATIONS.into(),
                answers: "Yes: coronary artery bypass grafting is preferable. The survival \
                          benefit of surgery over multivessel PCI in diabetic patients with \
                          three-vessel disease is the most consistent finding of the \
                          randomised trials, and his ventricular function makes complete \
                          revascularisation more, not less, important. The occluded right \
                          coronary artery should be grafted during the same operation; a \
                          separate percutaneous attempt is not needed."
                    .into(),
                references: "1. Head SJ et al. Mortality after coronary artery bypass grafting \
                             versus percutaneous coronary intervention with stenting for \
                             coronary artery disease: a pooled analysis of individual patient \
                             data. Lancet 2018;391:939-48.\n\
                             2. Velazquez EJ et al. Coronary-artery bypass surgery in patients \
                             with ischemic cardiomyopathy (STICHES). N Engl J Med \
                             2016;374:1511-20."
                    .into(),
            },
            OpinionBlock {
                provider_name: "Dr. Layla Haddad".into(),
                specialty: "Heart failure and cardiac imaging".into(),
                submitted_at: at(8, 16, 25),
                assessment: OPINION_3_ASSESSMENT.into(),
                diagnosis: "Ischaemic cardiomyopathy with viable, hibernating myocardium in \
                            the anterior and lateral walls; small inferior scar; no significant \
                            valve disease."
                    .into(),
                recommendations: OPINION_3_RECOMMENDATIONS.into(),
                answers: "From the imaging standpoint revascularisation is worthwhile: more \
                          than ten of seventeen segments are viable. Surgery offers the most \
                          complete revascularisation. The right coronary territory is largely \
                          scarred inferiorly, so the benefit of treating the occlusion is \
                          smaller than for the left-sided vessels; graft it if the surgeon \
                          finds a suitable target, but it should not drive the decision."
                    .into(),
                references: "1. Bonow RO et al. Myocardial viability and survival in ischemic \
                             left ventricular dysfunction. N Engl J Med 2011;364:1617-25.\n\
                             2. McDonagh TA et al. 2021 ESC Guidelines for the diagnosis and \
                             treatment of acute and chronic heart failure. Eur Heart J \
                             2021;42:3599-726."
                    .into(),
            },
        ],
        final_summary: Some(SummaryBlock {
            coordinator_name: "Dr. Omar Farouk".into(),
            submitted_at: at(9, 11, 0),
            text: FINAL_SUMMARY.into(),
        }),
        submitted_at: at(1, 9, 30),
        completed_at: Some(at(9, 11, 0)),
        generated_at: at(9, 11, 15),
    }
}

pub fn invoice() -> InvoiceDoc {
    InvoiceDoc {
        service_name: "King Faisal Specialist Hospital · Second Opinion Service".into(),
        number: "INV-2026-00017".into(),
        issued_at: at(2, 8, 45),
        billed_to: BilledTo {
            name: "Noura Al-Harbi".into(),
            organisation: Some("Riyadh Regional Medical Centre".into()),
        },
        case_reference: "SO-2026-00042".into(),
        patient_name: PATIENT_NAME.into(),
        description: "Cardiology second opinion".into(),
        amount_minor: 150_000,
        currency: "SAR".into(),
        payment_reference: "PAY-7F3K-92QX-1180".into(),
    }
}

fn document(name: &str, kind: &str, size: u64, day: u32, hour: u32, minute: u32) -> DocumentLine {
    DocumentLine {
        name: name.into(),
        kind: kind.into(),
        size_bytes: size,
        added_at: at(day, hour, minute),
    }
}

const CLINICAL_SUMMARY: &str = "Fifty-eight-year-old man with type 2 diabetes (twelve years, \
on basal-bolus insulin, HbA1c 8.1%), hypertension, dyslipidaemia and a thirty pack-year \
smoking history, stopped two years ago. He presented in January with exertional chest \
tightness, Canadian Cardiovascular Society class III, and breathlessness on climbing one \
flight of stairs. There was no history of myocardial infarction.

Coronary angiography on 18 February showed a 90% proximal left anterior descending \
stenosis involving the first diagonal bifurcation, an 80% mid circumflex stenosis, and a \
chronic total occlusion of the mid right coronary artery with grade 2 collaterals from the \
left system. The referring team calculated a SYNTAX score of 31. Transthoracic \
echocardiography showed a left ventricular ejection fraction of 38% with anterior and \
lateral hypokinesia and inferior akinesia, mild functional mitral regurgitation, and normal \
right ventricular function.

Cardiac MRI showed subendocardial late gadolinium enhancement of less than 25% wall \
thickness in the anterior and lateral walls and transmural enhancement in two basal \
inferior segments. Creatinine 98 µmol/L, eGFR 74 mL/min/1.73 m². Current medication: \
aspirin, atorvastatin 80 mg, bisoprolol 5 mg, ramipril 5 mg, insulin glargine and aspart, \
empagliflozin 10 mg. The local heart team was divided between surgery and staged \
percutaneous intervention and asks for an independent opinion.";

const OPINION_1_ASSESSMENT: &str = "I reviewed the angiography report, the selected cine \
frames, the echocardiogram and the MRI. The anatomy is complex rather than merely \
multivessel: the left anterior descending lesion is proximal, calcified on the still frames, \
and involves a large first diagonal branch, which would need a two-stent bifurcation \
technique. The circumflex lesion is straightforward. The right coronary occlusion is long, \
with an ambiguous proximal cap and a tortuous distal vessel; in experienced hands the success \
rate of a retrograde approach through the septal collaterals would be of the order of 80 to \
85%, with a small but real risk of perforation.

With a SYNTAX score above 22, diabetes and reduced ejection fraction, this patient sits \
squarely in the population in which randomised trials showed lower mortality and fewer \
myocardial infarctions after bypass surgery than after multivessel stenting. I do not see a \
feature that would make him a poor surgical candidate: he is fifty-eight, his lungs and \
kidneys are sound, and his targets appear graftable.

I note that percutaneous treatment of ischaemic cardiomyopathy alone, without the \
diabetic multivessel context, did not improve survival over optimal medical therapy in \
REVIVED-BCIS2. That trial does not answer this patient's question, but it cautions against \
assuming that complete stenting would confer the benefit that surgical revascularisation \
has shown in comparable patients.";

const OPINION_1_RECOMMENDATIONS: &str = "Refer for coronary artery bypass grafting with a \
left internal mammary artery to the left anterior descending artery and, ideally, a second \
arterial conduit to the circumflex system. Continue optimal medical therapy, including the \
SGLT2 inhibitor, and optimise glycaemic control before surgery if this can be done without \
delaying it beyond four to six weeks.

If the surgical team declines, a staged percutaneous strategy is a reasonable alternative: \
first the left anterior descending and diagonal bifurcation with intravascular imaging \
guidance, then the circumflex, and only afterwards a decision about the right coronary \
occlusion based on residual symptoms and ischaemia. Repeat the echocardiogram three months \
after revascularisation to reassess ventricular function and the need for a defibrillator.";

const OPINION_1_ANSWERS: &str = "Bypass grafting is preferable to multivessel percutaneous \
intervention for this patient. The chronic total occlusion should be addressed surgically at \
the same operation if the distal vessel is graftable; I would not recommend a separate \
percutaneous attempt before surgery.";

const OPINION_2_ASSESSMENT: &str = "From the surgical perspective this is a good candidate \
for complete arterial revascularisation. The left anterior descending artery is of good \
calibre beyond the lesion on the angiographic frames, the obtuse marginal branches are \
adequate targets, and the posterior descending artery fills well from collaterals and \
appears to be at least 1.5 mm. The predicted operative mortality is low. Diabetes increases \
the risk of sternal wound complications when both internal mammary arteries are harvested, \
so I would use a skeletonised technique or a radial artery as the second conduit.

The reduced ejection fraction is not a contraindication; on the contrary, in patients with \
ischaemic cardiomyopathy and viable myocardium, surgery added to medical therapy reduced \
all-cause death over ten years of follow-up in STICH. The MRI supports viability in the \
territories that would be grafted.

Mild functional mitral regurgitation does not need a concomitant mitral procedure; it is \
likely to improve after revascularisation.";

const OPINION_2_RECOMMENDATIONS: &str = "Coronary artery bypass grafting: left internal \
mammary artery to the left anterior descending, radial artery to the obtuse marginal, \
saphenous vein to the posterior descending artery. On-pump surgery with a short \
cross-clamp time is appropriate. Preoperative carotid duplex ultrasound and pulmonary \
function tests. Stop empagliflozin three days before surgery. Refer to cardiac \
rehabilitation afterwards.";

const OPINION_3_ASSESSMENT: &str = "The MRI is of good quality. Late gadolinium enhancement \
is subendocardial and involves less than a quarter of the wall thickness in the anterior, \
anteroseptal and lateral segments, which predicts a high likelihood of functional recovery \
after revascularisation. The two basal inferior segments show transmural scar and are \
unlikely to recover whatever is done. The left ventricle is moderately dilated \
(end-diastolic volume index 112 mL/m²) and the right ventricle is normal.

Taken together with the echocardiogram, the imaging describes hibernating rather than \
infarcted myocardium in the territories of the left coronary artery. That is the situation in \
which revascularisation is most likely to improve both symptoms and ventricular function. \
Heart failure therapy should be completed in parallel: he is on an ACE inhibitor, a beta \
blocker and an SGLT2 inhibitor, but not yet on a mineralocorticoid receptor antagonist.";

const OPINION_3_RECOMMENDATIONS: &str = "Add spironolactone 25 mg daily with potassium and \
creatinine checked at one and four weeks; consider switching ramipril to \
sacubitril/valsartan after surgery if the ejection fraction stays below 40%. Repeat cardiac \
imaging at three to six months after revascularisation before any decision about a primary \
prevention defibrillator.";

const FINAL_SUMMARY: &str = "The three reviewers agree that Mr. محمد عبد الله should be \
offered coronary artery bypass grafting rather than multivessel percutaneous coronary \
intervention. The reasons are consistent across the interventional, surgical and imaging \
reviews: three-vessel disease with a SYNTAX score of 31, diabetes on insulin, and reduced \
but largely viable left ventricular myocardium.

On the chronic total occlusion of the right coronary artery, the reviewers recommend grafting \
the posterior descending artery at the same operation if it is a suitable target; a separate \
percutaneous attempt is not advised. The inferior wall is scarred, so this graft matters less \
than those to the left coronary system and should not delay surgery.

In parallel, heart failure therapy should be completed with a mineralocorticoid receptor \
antagonist, glycaemic control optimised, and cardiac imaging repeated three to six months \
after surgery to decide about a defibrillator. The referring team is welcome to contact the \
coordinator with questions about this report.";
