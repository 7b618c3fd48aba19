"""Words the generated texts and simulated queries are built from.

Every word that carries meaning belongs to a *concept* (``walk``, ``white``, ``breed:pug``).
Texts record the concepts they mention; queries are surface forms of concepts. The hidden
relevance model compares concepts, while the demo "search system" only matches surface
strings — so synonyms (さんぽ / 散歩 / walk) are a real gap a better search can close.
"""

from __future__ import annotations

from dataclasses import dataclass

CAT = 1
DOG = 2


@dataclass(frozen=True, slots=True)
class BreedTraits:
    """What owners tend to say about a breed."""

    size: str  # small | medium | large
    fur: str  # short | long | none
    colours: tuple[str, ...]
    tempers: tuple[str, ...]
    alt_names: tuple[str, ...] = ()


BREED_TRAITS: dict[str, BreedTraits] = {
    "abyssinian": BreedTraits("medium", "short", ("brown",), ("active", "curious")),
    "bengal": BreedTraits("medium", "short", ("brown", "spotted"), ("active", "playful")),
    "birman": BreedTraits("medium", "long", ("white", "cream"), ("gentle", "sweet")),
    "bombay": BreedTraits("medium", "short", ("black",), ("sweet", "calm")),
    "british_shorthair": BreedTraits(
        "medium", "short", ("grey",), ("calm", "gentle"), ("ブリショー",)
    ),
    "egyptian_mau": BreedTraits("medium", "short", ("spotted", "grey"), ("shy", "active")),
    "maine_coon": BreedTraits("large", "long", ("brown", "tabby"), ("gentle", "calm")),
    "persian": BreedTraits(
        "medium", "long", ("white", "cream"), ("calm", "sweet"), ("ペルシャ猫",)
    ),
    "ragdoll": BreedTraits("large", "long", ("white", "cream"), ("sweet", "gentle")),
    "russian_blue": BreedTraits("medium", "short", ("grey",), ("shy", "calm")),
    "siamese": BreedTraits("medium", "short", ("cream",), ("sweet", "talkative"), ("シャム猫",)),
    "sphynx": BreedTraits("medium", "none", ("pink",), ("sweet", "curious")),
    "american_bulldog": BreedTraits(
        "large", "short", ("white", "brown"), ("brave", "loyal"), ("アメリカンブルドッグ",)
    ),
    "american_pit_bull_terrier": BreedTraits(
        "medium", "short", ("brown", "grey"), ("loyal", "active"), ("ピットブル",)
    ),
    "basset_hound": BreedTraits("medium", "short", ("brown", "white"), ("calm", "gentle")),
    "beagle": BreedTraits("medium", "short", ("brown", "white"), ("curious", "playful")),
    "boxer": BreedTraits("large", "short", ("brown",), ("playful", "loyal")),
    "chihuahua": BreedTraits("small", "short", ("cream", "brown"), ("brave", "sweet")),
    "english_cocker_spaniel": BreedTraits(
        "medium", "long", ("brown", "black"), ("playful", "sweet"), ("コッカースパニエル",)
    ),
    "english_setter": BreedTraits("large", "long", ("white", "spotted"), ("gentle", "active")),
    "german_shorthaired": BreedTraits(
        "large", "short", ("brown", "spotted"), ("active", "loyal"), ("ポインター",)
    ),
    "great_pyrenees": BreedTraits("large", "long", ("white",), ("calm", "gentle")),
    "havanese": BreedTraits("small", "long", ("white", "cream"), ("sweet", "playful")),
    "japanese_chin": BreedTraits("small", "long", ("white", "black"), ("calm", "sweet"), ("狆",)),
    "keeshond": BreedTraits("medium", "long", ("grey",), ("playful", "loyal")),
    "leonberger": BreedTraits("large", "long", ("brown",), ("gentle", "calm")),
    "miniature_pinscher": BreedTraits(
        "small", "short", ("black", "brown"), ("brave", "active"), ("ミニピン",)
    ),
    "newfoundland": BreedTraits("large", "long", ("black",), ("gentle", "calm")),
    "pomeranian": BreedTraits("small", "long", ("cream", "white"), ("playful", "sweet"), ("ポメ",)),
    "pug": BreedTraits("small", "short", ("cream", "black"), ("sweet", "playful")),
    "saint_bernard": BreedTraits("large", "long", ("brown", "white"), ("gentle", "calm")),
    "samoyed": BreedTraits("large", "long", ("white",), ("playful", "sweet")),
    "scottish_terrier": BreedTraits("small", "long", ("black",), ("brave", "loyal")),
    "shiba_inu": BreedTraits(
        "small", "short", ("brown", "cream"), ("loyal", "brave"), ("柴犬", "しば犬", "豆柴")
    ),
    "staffordshire_bull_terrier": BreedTraits(
        "medium", "short", ("brown", "white"), ("brave", "playful")
    ),
    "wheaten_terrier": BreedTraits("medium", "long", ("cream",), ("playful", "active")),
    "yorkshire_terrier": BreedTraits(
        "small", "long", ("grey", "brown"), ("brave", "sweet"), ("ヨーキー",)
    ),
}

# concept -> surface forms a user may type (the first is the most common spelling)
QUERY_FORMS: dict[str, tuple[str, ...]] = {
    "cat": ("猫", "ねこ", "ネコ", "cat"),
    "dog": ("犬", "いぬ", "イヌ", "dog"),
    "kitten": ("子猫", "こねこ", "仔猫", "kitten"),
    "puppy": ("子犬", "こいぬ", "仔犬", "puppy"),
    "walk": ("散歩", "さんぽ", "walk"),
    "sunbath": ("日向ぼっこ", "ひなたぼっこ"),
    "sleep": ("寝顔", "寝てる", "ねんね", "sleeping"),
    "play": ("遊んでる", "遊ぶ", "playing"),
    "toy": ("おもちゃ", "toy"),
    "food": ("ごはん", "ご飯", "food"),
    "snack": ("おやつ", "snack"),
    "fluffy": ("ふわふわ", "もふもふ", "fluffy"),
    "cute": ("かわいい", "可愛い", "cute"),
    "sweet": ("甘えん坊", "あまえんぼう"),
    "calm": ("おとなしい", "穏やか"),
    "playful": ("やんちゃ", "元気"),
    "white": ("白", "白い", "しろ", "white"),
    "black": ("黒", "黒い", "くろ", "black"),
    "brown": ("茶色", "ちゃいろ", "brown"),
    "grey": ("グレー", "灰色", "grey"),
    "cream": ("クリーム", "cream"),
    "big": ("大きい", "大型", "big"),
    "small": ("小さい", "小型", "small"),
    "park": ("公園", "park"),
    "sofa": ("ソファ", "sofa"),
    "window": ("窓", "window"),
    "snow": ("雪", "snow"),
}

# Words used inside Japanese descriptions, with the concept they express.
COLOUR_WORDS: dict[str, tuple[str, ...]] = {
    "white": ("真っ白な", "白い"),
    "black": ("真っ黒な", "黒い"),
    "brown": ("茶色の", "明るい茶色の"),
    "grey": ("グレーの", "灰色の"),
    "cream": ("クリーム色の",),
    "spotted": ("まだら模様の", "ぶち模様の"),
    "tabby": ("縞模様の", "キジトラ柄の"),
    "pink": ("ピンク色の",),
}
FUR_SENTENCES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "long": (
        ("ふわふわの長い毛がチャームポイントです。", ("fluffy",)),
        ("もふもふの毛並みを毎日ブラッシングしています。", ("fluffy",)),
    ),
    "short": (
        ("短い毛はつやつやで、触るととても気持ちいいです。", ()),
        ("毛が短いのでお手入れが楽です。", ()),
    ),
    "none": (("毛がないので冬は服を着ています。", ()),),
}
TEMPER_SENTENCES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "active": (("とても元気で、家の中を走り回っています。", ("playful",)),),
    "curious": (("好奇心旺盛で、何にでも興味を持ちます。", ()),),
    "playful": (
        ("やんちゃで、いつも遊んでほしがります。", ("playful", "play")),
        ("元気いっぱいに遊んでいます。", ("playful", "play")),
    ),
    "gentle": (("性格はとても穏やかで、誰にでも優しいです。", ("calm",)),),
    "sweet": (
        ("甘えん坊で、すぐ膝の上に乗ってきます。", ("sweet",)),
        ("甘えん坊な性格で、いつもそばにいます。", ("sweet",)),
    ),
    "calm": (("おとなしくて、あまり鳴きません。", ("calm",)),),
    "shy": (("少し人見知りですが、慣れるとよく甘えてきます。", ("sweet",)),),
    "talkative": (("よく鳴いておしゃべりしてくれます。", ()),),
    "brave": (("小さな体なのに勇敢で、番犬気取りです。", ()),),
    "loyal": (("飼い主が大好きで、どこへでもついてきます。", ()),),
}
SIZE_SENTENCES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "small": (("小さい体でちょこちょこ歩く姿がかわいいです。", ("small", "cute")),),
    "medium": (("ちょうどいい大きさで、抱っこするのが好きです。", ()),),
    "large": (("体は大きいけれど、中身は子どもみたいです。", ("big",)),),
}
# Scenes: (sentence, concepts). {name} is the pet's name, {kind} a word for cat or dog.
SCENES_COMMON: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("窓辺で日向ぼっこしている{name}です。", ("sunbath", "window")),
    ("日向ぼっこ中に眠ってしまいました。", ("sunbath", "sleep")),
    ("{name}の寝顔を撮りました。", ("sleep",)),
    ("ソファの上でぐっすり寝ています。", ("sofa", "sleep")),
    ("お気に入りのおもちゃで遊んでいるところです。", ("toy", "play")),
    ("新しいおもちゃを買ってあげたら夢中で遊んでいました。", ("toy", "play")),
    ("ごはんの時間になると走ってきます。", ("food",)),
    ("ごはんを待っている顔がかわいい。", ("food", "cute")),
    ("おやつをもらってご機嫌な{name}。", ("snack",)),
    ("うちに来たばかりの頃の写真です。", ()),
    ("カメラを向けたらこっちを見てくれました。", ()),
    ("今日で{age}歳になりました。", ()),
    ("お風呂のあとでちょっと不機嫌です。", ()),
)
SCENES_CAT: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("子猫の頃からずっと一緒です。", ("kitten",)),
    ("子猫のときの{name}です。まだ手のひらサイズでした。", ("kitten", "small")),
    ("段ボール箱に入るのが大好きな猫です。", ("cat",)),
    ("猫じゃらしで遊ぶと止まりません。", ("cat", "toy", "play")),
    ("窓の外の鳥をじっと見ています。", ("window",)),
    ("ねこ草をむしゃむしゃ食べていました。", ("cat", "food")),
)
SCENES_DOG: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("毎朝公園まで散歩に行きます。", ("walk", "park")),
    ("散歩が大好きで、リードを見ると大喜びします。", ("walk",)),
    ("公園でボール遊びをしました。", ("park", "toy", "play")),
    ("子犬の頃の{name}です。", ("puppy",)),
    ("子犬のときから甘えん坊でした。", ("puppy", "sweet")),
    ("雪の中を元気に走り回っていました。", ("snow", "playful")),
    ("お散歩のあとはいつもぐっすり眠ります。", ("walk", "sleep")),
)
OPENERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("うちの{breed}の{name}です。", ()),
    ("{breed}の{name}、{age}歳です。", ()),
    ("{colour}{breed}の{name}です。", ()),
    ("{name}といいます。{breed}の{sex}です。", ()),
    ("我が家の{kind}、{name}を紹介します。", ()),
    ("{colour}毛並みが自慢の{kind}です。", ()),
)
CLOSERS: tuple[str, ...] = (
    "よろしくお願いします！",
    "いいねしてもらえると嬉しいです。",
    "毎日癒されています。",
    "これからも成長を見守っていきます。",
    "かわいいと思ったらいいねしてください！",
)
KIND_WORDS: dict[int, tuple[tuple[str, str], ...]] = {
    CAT: (("猫", "cat"), ("ねこ", "cat"), ("ネコ", "cat"), ("にゃんこ", "cat")),
    DOG: (("犬", "dog"), ("いぬ", "dog"), ("ワンちゃん", "dog"), ("わんこ", "dog")),
}
SEX_WORDS = ("男の子", "女の子")

ENGLISH_SENTENCES: dict[int, tuple[tuple[str, tuple[str, ...]], ...]] = {
    CAT: (
        ("This is {name}, our {breed_en} cat.", ("cat",)),
        ("{name} loves sleeping in the sun.", ("sleep", "sunbath")),
        ("A fluffy little kitten who loves her toys.", ("fluffy", "kitten", "toy")),
        ("So cute when playing with a toy mouse!", ("cute", "play", "toy")),
    ),
    DOG: (
        ("This is {name}, our {breed_en}.", ("dog",)),
        ("{name} loves long walks in the park.", ("walk", "park")),
        ("Such a cute puppy, always playing.", ("cute", "puppy", "play")),
        ("Waiting for food as usual.", ("food",)),
    ),
}
