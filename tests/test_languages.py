"""Questions in Spanish and Korean: triage at the right level, replies in the user's language, the emergency
number in every reply, English quotes marked as such, and a notice in their language where the
multilingual engine cannot run."""

from pathlib import Path

import pytest

from assistant.errors import SettingsError
from assistant.safety import assess
from assistant.safety.language import detect_language, load_pack
from assistant.settings import Settings

HANGUL = "\uac00-\ud7a3"


@pytest.mark.parametrize("text, lang", [
    ("no puedo orinar y tengo las piernas dormidas", "es"),
    ("el masaje sirve para la ciatica?", "es"),
    ("소변이 안나와요", "ko"),
    ("Does massage help sciatica?", "en"),
    ("sciatca masage help?", "en"),
    ("ok thanks", "en"),
])
def test_language_is_detected_on_short_misspelt_text(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize("question, level", [
    ("no puedo orinar y se me duermen las dos piernas", "emergency"),
    ("tengo fiebre y escalofríos con el dolor de espalda", "urgent"),
    ("tomo sintrom, ¿puedo darme un masaje para la ciática?", "caution"),
    ("소변이 안 나오고 양쪽 다리에 힘이 없어요", "emergency"),
    ("열이 나고 오한이 있어요 허리도 아파요", "urgent"),
    ("와파린 먹고 있는데 마사지 받아도 되나요?", "caution"),
])
def test_red_flags_in_spanish_and_korean_are_caught_at_their_level(assistant, question, level):
    answer = assistant.ask(question)
    assert answer.triage.level == level
    assert answer.triage.message and not answer.triage.message.startswith(("Call", "Please", "Before"))  # not English
    assert assistant.settings.emergency_number in f"{answer.answer} {answer.disclaimer}"


def test_a_negation_in_another_clause_does_not_hide_a_red_flag():
    from assistant.safety.language import language_packs

    spanish = language_packs()["es"]
    text = "me estoy orinando sin darme cuenta, no siento cuando tengo la vejiga llena"
    assert ("bladder", "emergency") in spanish.find_signs(text)


def test_a_relatives_cancer_is_not_the_askers_history():
    from assistant.safety.language import language_packs

    spanish = language_packs()["es"]
    assert spanish.find_signs("mi mama tuvo cancer de colon, pero yo estoy bien, solo tengo ciatica") == []
    assert spanish.find_signs("mi mamá tuvo cáncer y yo tuve cáncer de mama también") == [("cancer_history", "urgent")]


def test_a_negated_sign_in_spanish_raises_no_alarm(assistant):
    assert assistant.ask("no tengo ningún problema para orinar, solo me duele la pierna").triage.level == "none"


@pytest.mark.parametrize("question, phrase, notice", [
    ("¿El masaje ayuda con la ciática?", "massage", "inglés"),
    ("마사지가 좌골신경통에 도움이 되나요?", "massage", "영어"),
])
def test_an_in_scope_question_gets_english_quotes_and_a_line_in_its_language(assistant, question, phrase, notice):
    answer = assistant.ask(question)
    assert answer.outcome == "answer" and answer.citations
    assert phrase in answer.citations[0].quote.lower()
    assert notice in answer.answer  # "the sources are in English", in the user's language
    assert answer.disclaimer and assistant.settings.emergency_number in answer.disclaimer


def test_where_the_engine_cannot_run_the_user_gets_a_notice_in_their_language(assistant, monkeypatch):
    import assistant.pipeline as pipeline

    monkeypatch.setattr(pipeline, "unavailable_reason", lambda: "this CPU lacks AVX2/FMA")
    monkeypatch.setattr(assistant, "_cross_generation", None)
    monkeypatch.setattr(assistant, "cache", None)  # the same question was answered (and cached) with the engine
    try:
        answer = assistant.ask("¿El masaje ayuda con la ciática?")
        assert answer.outcome == "not_covered" and not answer.citations
        assert "ingl" in answer.answer.lower()
        emergency = assistant.ask("no puedo orinar y se me duermen las dos piernas")
        assert emergency.triage.level == "emergency"  # triage works without the engine
    finally:
        monkeypatch.undo()
        assistant._cross_generation = None


def test_the_region_sets_the_number_in_other_languages_too(assistant):
    us = assistant.settings.with_overrides(region="us")
    from assistant.safety import assess

    decision = assess("no puedo orinar", [], us)
    assert "911" in decision.triage.message and "999" not in decision.triage.message


@pytest.mark.parametrize("region, es_words, ko_words", [
    ("uk", "NHS 111 o su médico de cabecera", "NHS 111이나 담당 GP"),
    ("us", "clínica de atención urgente", "어전트 케어"),
])
def test_an_urgent_reply_names_the_regions_service_in_the_readers_language(region, es_words, ko_words):
    settings = Settings(region=region)
    english = settings.urgent_service
    es = assess("tengo fiebre y escalofríos con el dolor de espalda", [], settings).triage.message
    ko = assess("허리가 아프고 열이 나고 오한이 있어요", [], settings).triage.message
    assert es_words in es and ko_words in ko
    assert english not in es and english not in ko


def test_a_clinics_own_urgent_service_is_used_as_written_in_every_language():
    settings = Settings(urgent_service="Clínica Norte, 0161 000 0000")
    es = assess("tengo fiebre y escalofríos con el dolor de espalda", [], settings).triage.message
    assert "Clínica Norte, 0161 000 0000" in es


def test_an_emergency_sign_cannot_be_set_aside_by_the_askers_denial(tmp_path):
    source = Path(__file__).resolve().parent.parent / "assistant" / "safety" / "languages" / "es.yaml"
    text = source.read_text(encoding="utf-8").replace(
        "  - code: bladder", "  - code: bladder\n    denied_by: ['yo no']", 1
    )
    broken = tmp_path / "xx.yaml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match="emergency sign cannot be 'denied_by'"):
        load_pack(broken)


def test_a_language_file_without_sources_is_refused(tmp_path):
    source = Path(__file__).resolve().parent.parent / "assistant" / "safety" / "languages" / "es.yaml"
    broken = tmp_path / "xx.yaml"
    broken.write_text(source.read_text(encoding="utf-8").replace("source:", "sauce:", 1), encoding="utf-8")
    with pytest.raises(SettingsError, match="must name its public source"):
        load_pack(broken)


@pytest.mark.parametrize("lang, text, code", [
    ("es", "de repente me duele mucho el pecho y el dolor me pasa a la espalda", "chest_pain"),
    ("es", "a mi abuelo se le torcio la boca y habla arrastrando las palabras", "stroke_signs"),
    ("es", "el pie me 'chancletea' y tropiezo con los bordillos", "foot_drop"),
    ("ko", "허리 아프다가 갑자기 가슴이 조이듯이 아파요", "chest_pain"),
    ("ko", "아빠가 입이 돌아가고 말이 어눌해졌어요", "stroke_signs"),
    # written by someone who had not read the rules (blind batch 5), missed on its first run
    ("es", "ahora en la tarde la pierna derecha se le dobla y ya no puede pararse sola, cada hora está peor",
     "severe_weakness"),
    ("ko", "오늘 회사에서 나도 모르게 속옷에 큰 실수를 했어요. 변 나오는 느낌이 아예 없었어요", "bowel"),
    ("ko", "왼쪽 다리가 자꾸 꺾여서 혼자 서 있지도 못함.. 몇 시간 사이에 계속 심해지는 중", "severe_weakness"),
    # the same kinds of wording as blind batch 6's first-run misses, reworded
    ("es", "ya no puedo levantar el pie y la pierna se me va, cada hora peor", "severe_weakness"),
    ("es", "la punta del pie no me sube y se me engancha en la alfombra", "foot_drop"),
    ("ko", "허리 아픈 지 열흘째인데 오늘 열이 38.5도예요", "fever"),
    ("ko", "어제 뒤에서 차가 들이받았는데 허리가 아파요", "trauma"),
    # weak bones and a crack after a small strain: a possible spinal fracture (NICE CKS), urgent
    ("es", "tengo osteoporosis. al agacharme a recoger algo senti un crujido en la espalda", "possible_fracture"),
    ("ko", "골다공증 있는데 기침하다가 허리에서 뚝 소리 났어요", "possible_fracture"),
    # the same kinds of wording as blind batch 7's first-run misses, reworded
    ("es", "mi marido dice que 'alla abajo ya no le funciona' desde que se lastimo la espalda", "sexual_dysfunction"),
    ("es", "siento un apreton en el pecho que me sube hasta el cuello", "chest_pain"),
    ("es", "el pie izquierdo se me arrastra desde esta manana. Y en pocas horas va a peor.", "severe_weakness"),
    ("ko", "발가락을 못 들고 발이 끌려요. 시간이 지날수록 더 심해져요", "severe_weakness"),
    ("ko", "식단 조절하는 것도 아닌데 석 달 동안 6키로나 빠졌어요", "weight_loss"),
    # the same kinds of wording as blind batch 8's first-run misses, reworded
    ("es", "a mi papá se le ladeó la cara y habla como enredado", "stroke_signs"),
    ("es", "se le había salido la caca sin darse cuenta", "bowel"),
    ("ko", "사타구니가 마취한 것처럼 멍해요", "saddle_numbness"),
    ("ko", "밑닦을 때 느낌이 내 살이 아닌 것 같아요", "saddle_numbness"),
    ("ko", "속옷이 젖었는데 전혀 몰랐어요", "bladder"),
    ("ko", "예순둘인데 평생 허리 아픈 적 없다가 지난주부터 허리가 아파요", "age_over_50"),
    # the same kinds of wording as blind batch 9's first-run misses, reworded
    ("es", "mi nieta de 12 se queja hace una semana de dolor de espalda", "under_16"),
    ("es", "en la mañana arrastraba el pie y ahora ya no puedo levantarlo", "severe_weakness"),
    ("ko", "아버님 말씀이 갑자기 어눌해지시고 입이 한쪽으로 돌아갔어요", "stroke_signs"),
    ("ko", "허리 다친 뒤로 거기 감각이 좀 둔해졌어요", "saddle_numbness"),
    ("ko", "60세입니다. 평생 허리 아픈 적 없었어요. 지난주부터 허리가 아파요", "age_over_50"),
    # the same kinds of wording as blind batch 10's first-run misses, reworded
    ("es", "mi papá no ha conseguido orinar en todo el día, aprieta y nada", "bladder"),
    ("ko", "남편이 관계할 때 감각이 아예 없다고 하고 서지도 않는대요", "sexual_dysfunction"),
    ("ko", "할머니가 말이 좀 어눌하시고 입꼬리가 한쪽이 처졌어요", "stroke_signs"),
    ("ko", "요즘 살이 좀 빠지긴 했어요. 두 달에 7키로 정도요", "weight_loss"),
    ("ko", "발목이 안 올라가고 시간 갈수록 더 심해져요", "severe_weakness"),
    # the same kinds of wording as blind batch 11's first-run misses, reworded
    ("es", "mi papá ha ido al baño mil veces y no le sale nada, ni una gota", "bladder"),
    ("es", "me di cuenta tarde de que me había hecho pis encima", "bladder"),
    ("es", "mi abuela se hizo del cuerpo encima sin darse cuenta", "bowel"),
    ("ko", "아버지가 화장실을 계속 가시는데 한방울도 안나온대요", "bladder"),
    ("ko", "허리 다치고 나서 남자구실이 안돼요", "sexual_dysfunction"),
    ("ko", "아침부터 다리가 아예 안 들려요. 시간마다 더 심해져요", "severe_weakness"),
    # the same kinds of wording as blind batches 12 and 13's first-run misses, reworded
    ("es", "a mi suegro se le escapó lo de atrás en el sillón y no se dio cuenta", "bowel"),
    ("es", "voy al baño y no termino de vaciar, sale un hilito nada más", "bladder"),
    ("es", "tenía ciática en la derecha y ahora las dos se sienten super weak", "both_legs"),
    ("es", "el pie izquierdo se me cae y aplaudo el suelo al caminar", "foot_drop"),
    ("es", "la pantorrilla derecha, desde anoche, está hinchada y roja", "possible_dvt"),
    ("es", "ayer cojeaba un poco pero hoy ya la pierna no me sostiene nada", "severe_weakness"),
    ("ko", "허리 삐끗한 뒤로 남편 구실을 전혀 못해요", "sexual_dysfunction"),
    ("ko", "부부 관계 할 때 감각이 아예 없어요. 좌골신경통 생기고 나서요", "sexual_dysfunction"),
    ("ko", "왼발 앞쪽이 안 들려서 발바닥이 바닥에 탁탁 부딪혀요", "foot_drop"),
    ("ko", "어제 신호 기다리다 뒤에서 박혔는데 오늘부터 다리가 저려요", "trauma"),
    ("ko", "원래 왼쪽만 저렸는데 오늘은 양쪽 다 힘이 빠져요", "both_legs"),
    ("ko", "할머니가 아침엔 걸으셨는데 점심때는 못 일어나시고 지금은 다리에 힘이 없어요", "severe_weakness"),
    ("ko", "어머니가 작년에 유방암 수술 받으셨는데 요즘 허리가 아프시대요. 마사지 해드리려고요", "cancer_history"),
    # the same kinds of wording as blind batch 14's first-run misses, reworded
    ("es", "desde hace unos dias en la intimidad no siento nada y ya no se me pone como antes", "sexual_dysfunction"),
    ("es", "la pierna derecha se me empezo a aflojar y cada hora esta peor", "severe_weakness"),
    ("es", "el martes pasado me cai por la escalera de espaldas y desde entonces me baja dolor por la pierna", "trauma"),
    ("ko", "우리 영감이 요새 소변 마려운 줄을 모른다 카네요", "bladder"),
    ("ko", "닦을 때 휴지 느낌이 거의 안 나요. 엉덩이 사이가 멍해요", "saddle_numbness"),
    # the same kinds of wording as blind batch 15's first-run misses, reworded
    ("es", "de dia aguanto pero a la noche se pone peor y me despierta a las 4", "night_pain"),
    ("es", "la pierna izquierda me va fallando cada dia mas desde el jueves y hoy ya casi no me sostiene",
     "severe_weakness"),
    ("ko", "남편이 허리 다친 뒤로 발기가 아예 안된대요", "sexual_dysfunction"),
    ("ko", "왼다리만 아프다가 어제부터 오른다리까지 똑같이 저려요", "both_legs"),
    ("ko", "다리에 힘이 빠지는데 하루하루 더 심해져요", "severe_weakness"),
    # the same kinds of wording as blind batch 16's first-run misses, reworded
    ("es", "mi papa no tiene ganas de orinar desde anoche y cuando va le salen unas gotitas nomas", "bladder"),
    ("es", "amaneci con las sabanas mojadas y ni me di cuenta", "bladder"),
    ("es", "hoy sin ir al bano desde la manana y sin ganas de nada, con la ciatica fatal", "bladder"),
    ("es", "se me salen las sandalias al caminar con el pie derecho", "foot_drop"),
    ("es", "desde hace dos semanas arrastro un poquito el pie", "foot_drop"),
    ("ko", "할아버지가 아침부터 소변을 한 번도 안 보셨대요", "bladder"),
    ("ko", "이불이 젖어 있었는데 할머니는 전혀 모르셨대요", "bladder"),
    # the same kinds of wording as blind batch 17's first-run misses, reworded
    ("es", "desde anoche no ha orinao nada mi papa", "bladder"),
    ("es", "y ni ganas le dan de ir al bano", "bladder"),
    ("es", "esta manana me hice encima sin darme cuenta", "continence"),
    ("es", "empezo en la izquierda y ahora bajo a la derecha tambien", "both_legs"),
    ("es", "ayer caminaba mal. anoche ya no me paraba en puntas. hoy la pierna no me sostiene", "severe_weakness"),
    ("es", "me salieron unos granitos rojos en la cintura por un hongo", "skin"),
    ("es", "tengo 58 ano y nunca me ha dolido la espalda, pero hace dos semanas me empezo a doler", "age_over_50"),
    ("ko", "하루종일 오줌을 안 눴어요", "bladder"),
    ("ko", "화장실 가고 싶은 느낌이 전혀 없어요", "bladder"),
    ("ko", "아버지가 소파에 실수하셨어요. 근데 본인은 나온 줄도 모르셨대요", "bowel"),
    ("ko", "저 61인데 허리 아파본 적이 한번도 없었어요. 2주 전부터 다리가 저려요", "age_over_50"),
    # the same kinds of wording as blind batch 18's first-run misses, reworded
    ("es", "ayer de manana cojeaba, a mediodia no subia el escalon y hoy la pierna izquierda ya no me aguanta",
     "severe_weakness"),
    ("ko", "양짝 다리가 후들거리고 저려부러요", "both_legs"),
    ("ko", "그제는 다리를 살짝 절었고 어제는 발가락에 힘이 안 들어가더니 오늘은 다리 전체에 힘이 없어요",
     "severe_weakness"),
    ("ko", "오줌 마려운 느낌이 전혀 안 드는데 속옷이 축축해요", "bladder"),
    # the same kinds of wording as blind batch 19's first-run misses, reworded
    ("es", "desde esta manana la pierna se me va aflojando, al mediodia renqueaba y ahora ya no me puedo parar",
     "severe_weakness"),
    ("es", "mi abuela se esta orinando encima desde anoche sin notarlo", "bladder"),
    ("ko", "오른쪽만 아팠는데 오늘은 두쪽 다 저려요", "both_legs"),
    ("ko", "아침엔 다리에 힘이 하나도 없더니. 점심 되니 아예 못 서요", "severe_weakness"),
    ("ko", "어머니가 3년전에 대장암 수술하셨는데 요즘 허리랑 다리가 저리대요. 마사지 받으러 가신다는데 괜찮을까요", "cancer_history"),
    # the same kinds of wording as blind batch 20's first-run misses, reworded
    ("es", "anoche se le salio el orin sin sentir a mi papa", "bladder"),
    ("es", "ayer me ensucie encima sin darme cuenta", "bowel"),
    ("es", "la pierna se me pone floja cada ora mas", "severe_weakness"),
    ("ko", "똥구녁 쪽이 남의 살 같어라", "saddle_numbness"),
    ("ko", "남편이 화장실 가고 싶다는 느낌이 없대요. 마렵다는 느낌이 하나도 없대요", "bladder"),
    ("ko", "요즘 오줌이 새는 줄도 몰랐어요", "bladder"),
    ("ko", "와이프랑 할때 감각이 거의 없어요", "sexual_dysfunction"),
    ("ko", "아침엔 절뚝거리더니 점심 먹고 휘청하고 저녁엔 아예 못 걸어요", "severe_weakness"),
    ("ko", "어제 뒤에서 꽝 박혔는데 허리가 아파요", "trauma"),
])
def test_chest_pain_stroke_signs_and_foot_drop_are_caught_in_spanish_and_korean(lang, text, code):
    from assistant.safety.language import language_packs

    assert code in [c for c, _ in language_packs()[lang].find_signs(text)]


@pytest.mark.parametrize("lang, text", [
    ("es", "de chico me quebre el brazo y quedo todo bien; ahora tengo ciatica, ¿me puedo dar un masaje?"),
    ("ko", "항문이나 사타구니 저림 없고 소변도 정상이에요. 마사지는 몇 번 받으면 되나요?"),
    ("ko", "예전 골절은 다 나았어요. 좌골신경통에 마사지 받아도 되나요?"),
    ("ko", "요즘 일이 안 풀려서 가슴이 답답해요. 좌골신경통 마사지 추천해주세요"),
    # ten years of unchanged stress leakage; a cousin's operation heard about (blind batch 5 false alarms)
    ("ko", "둘째 낳고 10년째 기침하거나 줄넘기하면 소변이 살짝 새는 게 있는데 그건 예전이랑 똑같아요."),
    ("ko", "사촌형이 마미증후군으로 응급수술 받았다는 얘기 듣고 완전 쫄았어요. 저는 왼쪽 엉덩이만 아파요"),
    # over years ago; a relative's fever or weak bones, the asker saying they have none (blind batch 6 kinds)
    ("es", "hace 8 anos tuve perdidas de orina despues del parto, hice ejercicios y se me quito del todo."),
    ("es", "a mi marido le dio fiebre alta la semana pasada. yo no tengo fiebre, solo la ciatica de siempre."),
    ("ko", "아빠가 골다공증이라 조심하래요. 저는 골다공증 없어요. 마사지 받아도 되나요?"),
    ("ko", "엄마가 유방암이셨는데 저는 암 진단받은 적 없어요. 마사지 받아도 되나요?"),
    ("ko", "출산한 지 3년 됐어요. 산후 마사지 말고 좌골신경통 마사지 받아도 되나요?"),
    ("ko", "양반다리로 오래 앉았더니 양쪽 발이 저렸는데 일어나서 1~2분 뒤 돌아왔어요"),
    # a parent's weak bones, the asker's own plain sciatica; a checklist saying the legs are strong (blind batch 7 kinds)
    ("ko", "할머니가 골다공증이 심하세요. 저는 34살이고 왼쪽 허리만 아파요. 마사지 괜찮죠?"),
    ("ko", "감각 이상 없고 대소변 정상이고 다리 힘도 괜찮아요. 그냥 엉덩이가 당겨요"),
    # blind batch 8 kinds: an old fall, a fever that is over, hearsay of someone's cancer, a wobble after squatting
    ("es", "hace como 8 años me caí de la bici, todo bien desde entonces. ahora tengo ciatica"),
    ("es", "tuve fiebre la semana pasada pero ya estoy bien, nada de fiebre. tengo ciatica"),
    ("ko", "지인 엄마가 암이었다는 얘기를 들었어요. 저는 그냥 엉덩이만 아파요"),
    ("ko", "쪼그려 앉았다 일어나니 다리가 휘청했는데 금방 괜찮아졌어요"),
    # blind batch 9 kinds: a relative's cauda equina syndrome; "1분 만에" is not childbirth (분만)
    ("es", "a mi tío le dio síndrome de cola de caballo hace años. yo solo tengo ciática leve"),
    ("ko", "한참 앉아 있다 일어나니 발이 저렸는데 1분 만에 괜찮아졌어요"),
    # blind batch 10 kinds: an almost-fall idiom; a healed fracture, a father's cancer, old shingles, a past
    # pregnancy; a doctor's checklist answered no; a list of signs denied at its end; an operation years ago
    ("es", "casi me caigo de la silla cuando vi la cuenta. tengo ciática de estar sentada"),
    ("es", "hace diez años me rompí el tobillo esquiando, quedó totalmente curado. ahora tengo ciática"),
    ("es", "mi vieja tuvo cáncer de mama hace tiempo, yo estoy bien, solo ciática leve"),
    ("es", "hace 3 años tuve culebrilla en la cintura, ya se me curó. ¿me pueden masajear ahí?"),
    ("es", "cuando estaba embarazada de mi primer hijo tuve ciática. ahora no estoy embarazada"),
    ("es", "el médico me preguntó si tenía adormecida la entrepierna o problemas para orinar y le dije que no"),
    ("ko", "다리 힘 빠지거나 소변 이상하거나 저림 이런 건 전혀 없어요. 엉덩이만 뻐근해요"),
    ("ko", "10년 전에 허리 디스크로 수술 받은 적 있어요. 지금은 그냥 뭉친 정도예요"),
    # blind batch 11 kinds: a fracture in a past year, healed; leaking after a birth last year, long over
    ("es", "me fracturé la muñeca en 2015, sanó perfecto. ahora tengo ciática leve"),
    ("ko", "작년에 출산하고 소변 새는 게 좀 있었는데 운동으로 다 좋아졌어요. 산후 마사지 되나요?"),
    # blind batches 12 and 13 kinds: a child's fever when moving a booking; a numb bottom from a long sit that
    # passed on standing; an operation long ago with full recovery; a parked car scraped; a healed school-days
    # break; long-standing sciatica past 50; a checklist saying the strength is unchanged
    ("es", "tengo que cambiar la cita porque mi nena amaneció con fiebre; lo mío sigue igual"),
    ("es", "estuve sentado dos horas en el estadio y se me durmió el trasero, pero al pararme se me pasó enseguida"),
    ("es", "me operaron de la columna hace muchos años y quedé perfecto, nunca más tuve nada"),
    ("ko", "첫째가 열이 나서 예약 좀 미룰게요. 제 신경통은 그대로예요"),
    ("ko", "영화관에서 세 시간 앉아 있었더니 엉덩이가 저렸는데 일어나서 걸으니 금방 풀렸어요"),
    ("ko", "주차해 둔 차가 사고 났는데 저는 안에 없었어요. 엉덩이가 좀 찌릿해요"),
    ("ko", "고딩 때 축구하다 손목 부러졌는데 완전 다 나음. 마사지 받아도 됨?"),
    ("ko", "저는 예순이고 오래된 좌골신경통이 오른쪽에만 있어요"),
    ("ko", "화장실 문제 없고 다리 힘도 그대로예요. 딥티슈 괜찮을까요"),
    # blind batch 14 kinds, reworded: a checklist answered "fiebre ninguna"; leaking after a birth years ago, long over
    ("es", "el doctor me reviso: orino normal, fuerza tengo, fiebre ninguna. Solo me duele una pierna"),
    ("es", "hace ocho anos despues del parto tuve perdidas de orina un tiempo, ya nada. Ahora ciatica leve"),
    # blind batch 15 kinds, reworded: a baby's fever seen by the paediatrician; some weeks of leaking years ago;
    # an operation long ago for trouble passing urine; six months after a birth; a new father
    ("es", "soy mama de un bebe de 3 meses que ayer tuvo fiebre, ya esta bien. Yo tengo ciatica de cargarlo"),
    ("es", "hace seis anos, despues del parto, tuve unas semanas de perdidas de orina; ahora nada"),
    ("ko", "이십년전에 디스크로 소변보기 힘들었는데 수술하고 싹 나았어요. 지금은 엉덩이만 뻐근해요"),
    ("ko", "출산한지 8개월 됐어요. 애 안고 다니다 좌골신경통이 생겼는데 마사지 괜찮을까요"),
    ("ko", "아기 낳은지 3주 된 아빠입니다. 허리가 뻐근한데 마사지 받아도 되나요"),
    # blind batch 16 kinds, reworded: a toddler out of nappies; a bone broken in middle school
    ("es", "estamos quitandole los panales a mi hija y se hace pis encima; a mi me dio ciatica de tanto agacharme"),
    ("ko", "초등학교 때 농구하다 팔 부러진 적 있고 지금 서른이에요. 좌골신경통에 마사지 받아도 돼요?"),
    # blind batch 17 kind, reworded: a sister's operation last year
    ("ko", "누나가 작년에 디스크 수술 받았어요. 저는 그냥 엉덩이만 좀 뻐근해요"),
    # blind batch 18 kinds, reworded: a checklist where both legs are strong; a childhood fracture asked about again;
    # the third week of sciatica; a film's patient; a bone broken in the fourth year of primary school
    ("es", "ya me fije en todo: orino bien, no tengo nada dormido y mis dos piernas tienen fuerza. Solo duele la nalga"),
    ("es", "de nina me rompi el tobillo jugando y quedo perfecto. Ahora tengo ciatica, importa lo de la fractura?"),
    ("ko", "허리 디스크 증상 2주차예요. 스웨디시 받아도 될까요"),
    ("ko", "영화에서 할아버지가 소변을 못 보고 응급실 가는 장면 보고 무서웠어요. 저는 엉덩이만 살짝 저려요"),
    ("ko", "초등학교 4학년 때 자전거 타다 팔 부러진 거 빼고 다친 적 없어요. 엉덩이가 저려요"),
    # blind batch 19 kinds, reworded: a carer's patient's cancer; a father's emergency operation long ago with the
    # asker's own case ordinary; a childhood fracture healed twenty years ago
    ("es", "cuido a una senora que tiene cancer y de tanto levantarla me dio ciatica, lo mio es lo normal"),
    ("ko", "할아버지가 옛날에 소변을 못 보셔서 수술하신 적이 있대요. 저는 엉덩이만 뻐근해요"),
    ("ko", "중학교 때 계단에서 떨어져서 팔 부러진 적 있는데 30년도 넘었어요. 요즘 엉덩이가 땡겨요"),
    # blind batch 20 kinds, reworded: "nada" before a sign; an old fracture by age; a customer's story; children years old
    ("es", "todo normal, nada dormido por abajo, solo me duele la nalga derecha"),
    ("es", "a los 15 me fracture el brazo, hace 20 anos, quedo bien. Ahora ciatica"),
    ("ko", "단골 손님이 소변이 안 나와서 응급실 갔다는 얘기 듣고 놀랐어요. 저는 엉덩이만 뻐근해요"),
    ("ko", "첫째 낳고 소변이 좀 샜었는데 다 나았고 지금 애가 5살이에요. 엉덩이가 저려요"),
    # pain from the back down to one leg is not both legs (blind batch 10 case kept passing)
    ("ko", "허리부터 왼쪽다리까지 찌릿해요. 좌골신경통 마사지 되나요"),
])
def test_look_alikes_in_spanish_and_korean_raise_nothing(lang, text):
    from assistant.safety.language import language_packs

    assert language_packs()[lang].find_signs(text) == []


@pytest.mark.parametrize("lang, text", [
    ("es", "el pie me arrastra un poco desde hace un mes, no va a peor cada hora, sigue igual"),
    ("ko", "한 달 전부터 발끝을 못 들어요. 몇 시간마다 심해지지는 않아요"),
])
def test_a_dragging_foot_that_is_not_getting_worse_stays_urgent(lang, text):
    from assistant.safety.language import language_packs

    assert language_packs()[lang].find_signs(text) == [("foot_drop", "urgent")]


@pytest.mark.parametrize("question,level", [
    # the age in one sentence, the complaint in the next: a child's back pain is urgent (AHCPR; NICE NG59 scope)
    ("Mi hija tiene 13 años y hace gimnasia. Desde hace 3 semanas se queja de dolor de espalda y cojea.", "urgent"),
    # the asker's own pain next to a child's age is not the child's
    ("Mi hijo tiene 10 años. Yo tengo ciática y me duele la pierna, ¿me recomiendan un masaje?", "none"),
])
def test_a_spanish_sign_can_span_sentences(question, level):
    assert assess(question, [], Settings()).triage.level == level


def test_nada_mas_is_not_a_negation():
    from assistant.safety.language import language_packs

    # Spain's "nada más" means "right after": the sign after it counts, while "nada dormido" denies one
    pack = language_packs()["es"]
    assert ("saddle_numbness", "emergency") in pack.find_signs("nada mas levantarme se me durmio la entrepierna")
    assert pack.find_signs("nada dormido en la entrepierna") == []


@pytest.mark.parametrize("question, level", [
    # twenty-first blind batch, first-run misses (evals/heldout/README.md), written again in other words
    ("desde esta manana la pierna se me pone weak, a las 9 caminaba bien y ahorita casi no la puedo mover", "emergency"),
    ("hace un mes tengo ciatica. el pie izquierdo se me va arrastrando y la semana pasada no era asi. masaje?",
     "urgent"),
    ("vi una serie donde a la protagonista le dio ciatica y se hizo pipi encima. yo solo tengo dolor en la nalga",
     "none"),
    # ... but the asker who says it happens to them too still gets the emergency reply
    ("vi una serie donde a la protagonista se le durmio la entrepierna, y a mi me paso igual desde ayer", "emergency"),
    ("어머니가 닦을 때 휴지 느낌이 좀 이상하다고 하세요. 좌골신경통 있으신데 안마해도 되나요?", "emergency"),
    ("요즘 erection이 잘 안 되고 좌골신경통도 있어요. 마사지 받아도 될까요?", "emergency"),
    ("종아리가 붓고 빨개요. 가슴 아픈 건 전혀 없어요. 주물러도 돼요?", "urgent"),
    ("삼촌이 작년에 디스크 때문에 소변을 못 보셔서 수술까지 하셨어요. 저는 그냥 엉덩이만 뻐근한데 스트레칭 해도 돼요?", "none"),
    ("최근에 넘어지거나 다친 건 하나도 없어요. 엉덩이서 허벅지로 찌릿한데 안마의자 써도 되나요?", "none"),
])
def test_twenty_first_batch_wordings_in_spanish_and_korean(question, level):
    assert assess(question, [], Settings()).triage.level == level


@pytest.mark.parametrize("question, level", [
    # a relative's cancer is set aside when the asker writes about their own sciatica (blind batch 34 kind) ...
    ("A mi papa le encontraron un cancer de prostata hace dos anos, pero yo estoy bien, solo tengo ciatica de correr. "
     "Sirve un masaje?", "none"),
    # ... and kept when the question is about that relative's pain now (`kept_by`; blind batch 9 kind)
    ("A mi papa le encontraron un cancer de prostata hace dos anos. Ahora le duele la espalda y le baja por la pierna. "
     "Le regalo unas sesiones de masaje?", "urgent"),
])
def test_a_relatives_cancer_counts_only_when_the_question_is_about_them(question, level):
    assert assess(question, [], Settings(learned_triage=False)).triage.level == level
