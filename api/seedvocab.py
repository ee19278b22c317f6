"""Vocabulary for `manage.py seed`: per category, topics in several languages, and title templates.

Korean titles carry particles (서울에서, 제주도의, 김치를) as real titles do, so that in-word matching is
exercised; English titles carry inflected forms (cooking, recipes) for stemming.
"""

LANGUAGES = {  # language -> (share of videos, regions it is published from)
    "en": (0.42, ["US", "GB", "CA", "AU", "IN"]),
    "ko": (0.22, ["KR"]),
    "es": (0.14, ["ES", "MX", "AR", "CO"]),
    "ja": (0.10, ["JP"]),
    "fr": (0.07, ["FR", "CA", "BE"]),
    "de": (0.05, ["DE", "AT", "CH"]),
}

# category -> list of topics; a topic is {language: (subject words, tag words)}
TOPICS = {
    "howto": [
        {
            "en": (
                ["kimchi stew", "sourdough bread", "fried rice", "pasta carbonara", "bibimbap"],
                ["recipe", "cooking", "korean food", "easy"],
            ),
            "ko": (
                ["김치찌개", "된장찌개", "불고기", "비빔밥", "떡볶이"],
                ["요리", "레시피", "한식", "집밥"],
            ),
            "es": (["paella", "tortilla de patatas", "gazpacho", "empanadas"], ["receta", "cocina", "fácil"]),
            "ja": (["ラーメン", "カレー", "お好み焼き", "寿司"], ["料理", "レシピ", "簡単"]),
            "fr": (
                ["crêpes", "ratatouille", "croissants", "quiche lorraine"],
                ["recette", "cuisine", "facile"],
            ),
            "de": (
                ["Brezeln", "Apfelstrudel", "Schnitzel", "Sauerteigbrot"],
                ["rezept", "kochen", "einfach"],
            ),
        },
        {
            "en": (
                ["bike repair", "home wiring", "drywall patching", "knife sharpening"],
                ["diy", "repair", "tools"],
            ),
            "ko": (["자전거 수리", "셀프 인테리어", "수납 정리", "칼 갈기"], ["DIY", "수리", "생활팁"]),
            "es": (["reparar bicicleta", "pintar paredes"], ["bricolaje", "reparación"]),
            "ja": (["自転車修理", "収納術"], ["DIY", "修理"]),
            "fr": (["réparer un vélo", "peindre un mur"], ["bricolage", "réparation"]),
            "de": (["Fahrrad reparieren", "Wand streichen"], ["heimwerken", "reparatur"]),
        },
    ],
    "travel": [
        {
            "en": (
                ["Seoul", "Jeju Island", "Busan", "Tokyo", "Paris", "Lisbon", "Mexico City"],
                ["travel", "vlog", "city guide"],
            ),
            "ko": (["서울", "제주도", "부산", "강릉", "경주", "도쿄", "파리"], ["여행", "브이로그", "맛집"]),
            "es": (["Madrid", "Barcelona", "Ciudad de México", "Buenos Aires"], ["viaje", "vlog", "guía"]),
            "ja": (["東京", "京都", "大阪", "北海道", "ソウル"], ["旅行", "観光", "vlog"]),
            "fr": (["Paris", "Lyon", "Marseille", "Séoul"], ["voyage", "vlog", "guide"]),
            "de": (["Berlin", "München", "Wien", "Hamburg"], ["reise", "vlog", "städtetrip"]),
        },
    ],
    "music": [
        {
            "en": (
                ["piano cover", "guitar lesson", "lofi beats", "live concert", "k-pop dance"],
                ["music", "cover", "live"],
            ),
            "ko": (
                ["피아노 커버", "기타 레슨", "케이팝 댄스", "라이브 공연", "발라드"],
                ["음악", "커버", "노래"],
            ),
            "es": (["guitarra flamenca", "reggaetón", "concierto en vivo"], ["música", "en vivo"]),
            "ja": (["ピアノ演奏", "ギター弾き語り", "ライブ"], ["音楽", "演奏"]),
            "fr": (["reprise piano", "concert live", "chanson française"], ["musique", "live"]),
            "de": (["Klavier Cover", "Gitarrenunterricht", "Livekonzert"], ["musik", "live"]),
        },
    ],
    "gaming": [
        {
            "en": (
                ["Minecraft", "League of Legends", "Elden Ring", "StarCraft", "speedrun"],
                ["gaming", "gameplay", "walkthrough"],
            ),
            "ko": (
                ["마인크래프트", "리그 오브 레전드", "스타크래프트", "배틀그라운드", "메이플스토리"],
                ["게임", "공략", "실황"],
            ),
            "es": (["Minecraft", "Fortnite", "FIFA"], ["videojuegos", "gameplay"]),
            "ja": (["マインクラフト", "ポケモン", "ゼルダ"], ["ゲーム", "実況", "攻略"]),
            "fr": (["Minecraft", "Fortnite"], ["jeux vidéo", "gameplay"]),
            "de": (["Minecraft", "FIFA"], ["gaming", "lets play"]),
        },
    ],
    "sports": [
        {
            "en": (
                ["soccer highlights", "marathon training", "basketball drills", "home workout"],
                ["sports", "fitness", "training"],
            ),
            "ko": (
                ["축구 하이라이트", "마라톤 훈련", "홈트레이닝", "야구 하이라이트"],
                ["스포츠", "운동", "헬스"],
            ),
            "es": (["resumen del partido", "entrenamiento en casa"], ["fútbol", "deporte"]),
            "ja": (["サッカー", "筋トレ", "野球"], ["スポーツ", "トレーニング"]),
            "fr": (["résumé du match", "entraînement"], ["football", "sport"]),
            "de": (["Spielzusammenfassung", "Training zu Hause"], ["fußball", "sport"]),
        },
    ],
    "education": [
        {
            "en": (
                ["linear algebra", "Korean grammar", "world history", "python programming", "calculus"],
                ["education", "lesson", "tutorial"],
            ),
            "ko": (
                ["한국어 문법", "영어 회화", "세계사", "파이썬 프로그래밍", "수학 공부"],
                ["교육", "강의", "공부"],
            ),
            "es": (["historia universal", "aprender inglés", "matemáticas"], ["educación", "clase"]),
            "ja": (["英会話", "日本史", "プログラミング"], ["教育", "講座"]),
            "fr": (["histoire de France", "mathématiques", "apprendre le coréen"], ["éducation", "cours"]),
            "de": (["Mathematik", "Geschichte", "Programmieren lernen"], ["bildung", "lernen"]),
        },
    ],
    "science": [
        {
            "en": (
                ["black holes", "quantum computing", "climate change", "the human brain"],
                ["science", "space", "physics"],
            ),
            "ko": (["블랙홀", "양자 컴퓨터", "기후 변화", "인간의 뇌"], ["과학", "우주", "물리"]),
            "es": (["agujeros negros", "cambio climático"], ["ciencia", "espacio"]),
            "ja": (["ブラックホール", "量子コンピュータ"], ["科学", "宇宙"]),
            "fr": (["trous noirs", "changement climatique"], ["science", "espace"]),
            "de": (["Schwarze Löcher", "Klimawandel"], ["wissenschaft", "weltraum"]),
        },
    ],
    "news": [
        {
            "en": (
                ["election results", "stock market", "tech industry", "weather forecast"],
                ["news", "today", "breaking"],
            ),
            "ko": (["선거 결과", "주식 시장", "부동산", "날씨 예보"], ["뉴스", "속보", "오늘"]),
            "es": (["elecciones", "bolsa de valores"], ["noticias", "hoy"]),
            "ja": (["選挙", "株式市場", "天気予報"], ["ニュース", "速報"]),
            "fr": (["élections", "bourse"], ["actualités", "infos"]),
            "de": (["Wahlergebnisse", "Börse"], ["nachrichten", "aktuell"]),
        },
    ],
    "comedy": [
        {
            "en": (["stand-up comedy", "prank", "sketch", "funny cats"], ["comedy", "funny", "lol"]),
            "ko": (["개그 콩트", "몰래카메라", "웃긴 영상", "예능 하이라이트"], ["코미디", "웃긴", "예능"]),
            "es": (["comedia", "bromas"], ["humor", "divertido"]),
            "ja": (["お笑い", "コント", "漫才"], ["お笑い", "面白い"]),
            "fr": (["sketch", "humour"], ["humour", "drôle"]),
            "de": (["Comedy", "Sketch"], ["lustig", "comedy"]),
        },
    ],
    "pets": [
        {
            "en": (
                ["golden retriever", "kitten", "puppy training", "parrot"],
                ["pets", "dogs", "cats", "cute"],
            ),
            "ko": (["강아지", "고양이", "반려견 훈련", "햄스터"], ["반려동물", "강아지", "고양이"]),
            "es": (["perritos", "gatitos"], ["mascotas", "perros"]),
            "ja": (["子猫", "柴犬", "ハムスター"], ["ペット", "猫", "犬"]),
            "fr": (["chiots", "chatons"], ["animaux", "chiens"]),
            "de": (["Welpen", "Katzen"], ["haustiere", "hunde"]),
        },
    ],
    "autos": [
        {
            "en": (
                ["electric car review", "engine rebuild", "road trip", "Hyundai Ioniq"],
                ["cars", "review", "automotive"],
            ),
            "ko": (["전기차 리뷰", "현대 아이오닉", "자동차 정비", "드라이브"], ["자동차", "리뷰", "전기차"]),
            "es": (["prueba de coche", "coche eléctrico"], ["coches", "motor"]),
            "ja": (["電気自動車", "車レビュー"], ["車", "レビュー"]),
            "fr": (["essai voiture", "voiture électrique"], ["voitures", "auto"]),
            "de": (["Elektroauto Test", "Motor"], ["auto", "test"]),
        },
    ],
    "film": [
        {
            "en": (
                ["movie review", "film analysis", "trailer breakdown", "short film"],
                ["film", "movies", "review"],
            ),
            "ko": (["영화 리뷰", "영화 해석", "예고편 분석", "단편 영화"], ["영화", "리뷰", "결말"]),
            "es": (["reseña de película", "cortometraje"], ["cine", "películas"]),
            "ja": (["映画レビュー", "短編映画"], ["映画", "考察"]),
            "fr": (["critique de film", "court métrage"], ["cinéma", "films"]),
            "de": (["Filmkritik", "Kurzfilm"], ["film", "kino"]),
        },
    ],
    "entertainment": [
        {
            "en": (
                ["celebrity interview", "reality show", "behind the scenes", "award show"],
                ["entertainment", "celebrity"],
            ),
            "ko": (["아이돌 인터뷰", "리얼리티 쇼", "비하인드", "시상식"], ["연예", "아이돌", "예능"]),
            "es": (["entrevista", "detrás de cámaras"], ["entretenimiento", "famosos"]),
            "ja": (["インタビュー", "舞台裏"], ["エンタメ", "芸能"]),
            "fr": (["interview", "coulisses"], ["divertissement", "célébrités"]),
            "de": (["Interview", "hinter den Kulissen"], ["unterhaltung", "promis"]),
        },
    ],
    "people": [
        {
            "en": (
                ["day in my life", "morning routine", "study with me", "apartment tour"],
                ["vlog", "lifestyle", "daily"],
            ),
            "ko": (
                ["일상 브이로그", "모닝 루틴", "같이 공부해요", "자취방 랜선 집들이"],
                ["일상", "브이로그", "루틴"],
            ),
            "es": (["un día en mi vida", "rutina de mañana"], ["vlog", "estilo de vida"]),
            "ja": (["一日の過ごし方", "モーニングルーティン"], ["日常", "vlog"]),
            "fr": (["une journée avec moi", "routine du matin"], ["vlog", "quotidien"]),
            "de": (["ein Tag mit mir", "Morgenroutine"], ["vlog", "alltag"]),
        },
    ],
    "nonprofit": [
        {
            "en": (
                ["volunteering", "beach cleanup", "charity run", "food bank"],
                ["nonprofit", "charity", "community"],
            ),
            "ko": (["봉사 활동", "해변 정화", "기부 마라톤", "푸드뱅크"], ["봉사", "기부", "나눔"]),
            "es": (["voluntariado", "limpieza de playa"], ["ong", "caridad"]),
            "ja": (["ボランティア", "海岸清掃"], ["ボランティア", "寄付"]),
            "fr": (["bénévolat", "nettoyage de plage"], ["association", "solidarité"]),
            "de": (["Ehrenamt", "Strandreinigung"], ["spenden", "gemeinschaft"]),
        },
    ],
}

CATEGORY_WEIGHTS = {
    "howto": 9,
    "travel": 8,
    "music": 14,
    "gaming": 14,
    "sports": 7,
    "education": 8,
    "science": 5,
    "news": 6,
    "comedy": 6,
    "pets": 5,
    "autos": 3,
    "film": 5,
    "entertainment": 7,
    "people": 8,
    "nonprofit": 1,
}

TITLE_TEMPLATES = {
    "en": [
        "How to make {s} at home",
        "{s} for beginners",
        "The ultimate guide to {s}",
        "{s}: what nobody tells you",
        "I tried {s} for 30 days",
        "Top 10 {s} tips",
        "{s} explained in 10 minutes",
        "Best {s} of {year}",
        "Learning {s} the easy way",
        "{s} vlog - part {n}",
    ],
    "ko": [
        "{s} 만드는 법",
        "초보자를 위한 {s}",
        "{s}의 모든 것",
        "{s}에서 보낸 하루",
        "{s}를 30일 동안 해봤습니다",
        "{year} 최고의 {s}",
        "10분 만에 알아보는 {s}",
        "{s} 브이로그 {n}편",
        "{s}은 이렇게 하세요",
        "진짜 {s} 후기",
    ],
    "es": [
        "Cómo hacer {s} en casa",
        "{s} para principiantes",
        "La guía definitiva de {s}",
        "Lo mejor de {s} {year}",
        "{s} explicado en 10 minutos",
        "Probé {s} durante 30 días",
    ],
    "ja": [
        "{s}の作り方",
        "初心者のための{s}",
        "{s}完全ガイド",
        "{year}年のベスト{s}",
        "10分でわかる{s}",
        "{s}を30日間やってみた",
    ],
    "fr": [
        "Comment faire {s} à la maison",
        "{s} pour les débutants",
        "Le guide ultime de {s}",
        "{s} expliqué en 10 minutes",
        "Le meilleur de {s} {year}",
        "J'ai testé {s} pendant 30 jours",
    ],
    "de": [
        "{s} selber machen",
        "{s} für Anfänger",
        "Der ultimative Guide zu {s}",
        "{s} in 10 Minuten erklärt",
        "Das Beste von {s} {year}",
        "Ich habe {s} 30 Tage lang getestet",
    ],
}

DESCRIPTION_SENTENCES = {
    "en": [
        "In this video we look at {s} step by step.",
        "Thanks for watching, and subscribe for more {t}!",
        "Everything you need to know about {s}.",
        "Leave a comment with your questions about {t}.",
        "Filmed on location, with a full list of links below.",
    ],
    "ko": [
        "이번 영상에서는 {s}에 대해 자세히 알아봅니다.",
        "시청해 주셔서 감사합니다. 구독과 좋아요 부탁드려요!",
        "{t} 관련 질문은 댓글로 남겨주세요.",
        "오늘은 {s}을 함께 해볼게요.",
        "더 많은 {t} 영상은 채널에서 확인하세요.",
    ],
    "es": [
        "En este video vemos {s} paso a paso.",
        "¡Gracias por ver y suscríbete para más {t}!",
        "Todo lo que necesitas saber sobre {s}.",
    ],
    "ja": [
        "この動画では{s}を詳しく紹介します。",
        "ご視聴ありがとうございます。チャンネル登録お願いします！",
        "{t}の質問はコメントへ。",
    ],
    "fr": [
        "Dans cette vidéo, nous découvrons {s} étape par étape.",
        "Merci d'avoir regardé, abonnez-vous pour plus de {t} !",
        "Tout ce qu'il faut savoir sur {s}.",
    ],
    "de": [
        "In diesem Video zeigen wir {s} Schritt für Schritt.",
        "Danke fürs Zuschauen und abonniert für mehr {t}!",
        "Alles, was du über {s} wissen musst.",
    ],
}

CHANNEL_WORDS = {
    "en": [
        "Kitchen",
        "Studio",
        "Lab",
        "Daily",
        "Journey",
        "Academy",
        "Corner",
        "Explorer",
        "Beats",
        "Garage",
    ],
    "ko": ["주방", "스튜디오", "연구소", "일상", "여행기", "아카데미", "놀이터", "탐험대", "음악실", "차고"],
    "es": ["Cocina", "Estudio", "Viajes", "Academia", "Rincón"],
    "ja": ["キッチン", "スタジオ", "ラボ", "日記", "チャンネル"],
    "fr": ["Cuisine", "Studio", "Voyages", "Académie", "Coin"],
    "de": ["Küche", "Studio", "Labor", "Akademie", "Werkstatt"],
}

COMMENT_TEXTS = {
    "en": [
        "Great video!",
        "This helped me a lot, thanks.",
        "First!",
        "Can you do a part two?",
        "Amazing editing.",
    ],
    "ko": [
        "좋은 영상 감사합니다!",
        "정말 도움이 많이 됐어요.",
        "2편도 만들어주세요!",
        "편집 최고예요",
        "구독하고 갑니다",
    ],
    "es": ["¡Gran video!", "Me ayudó mucho, gracias."],
    "ja": ["素晴らしい動画！", "とても参考になりました。"],
    "fr": ["Super vidéo !", "Merci, ça m'a beaucoup aidé."],
    "de": ["Tolles Video!", "Hat mir sehr geholfen, danke."],
}
