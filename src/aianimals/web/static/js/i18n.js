// Japanese (the default, as in the reference app) and English.

const KEY = "aianimals.lang";

const MESSAGES = {
  ja: {
    skip: "本文へ移動",
    nav: "メインメニュー",
    "nav.search": "さがす",
    "nav.post": "投稿",
    "nav.me": "マイページ",
    "lang.switch": "English",
    "login.title": "ログイン",
    "login.identifier": "ユーザー名またはメールアドレス",
    "login.password": "パスワード",
    "login.submit": "ログイン",
    "login.failed": "ユーザー名かパスワードが違います。",
    "login.toSignUp": "アカウントを作成",
    "signup.title": "アカウント作成",
    "signup.handle": "ユーザー名（英数字と _ . -、3文字以上）",
    "signup.email": "メールアドレス",
    "signup.password": "パスワード（12文字以上）",
    "signup.submit": "登録してログイン",
    "signup.toLogin": "ログインに戻る",
    "signup.notCreated": "アカウントを作成できませんでした。このメールアドレスがすでに登録されている場合は、そのアドレスにお知らせを送りました。登録済みのアカウントでログインしてください。",
    "search.title": "動物をさがす",
    "search.query": "キーワード",
    "search.placeholder": "ねこ、柴犬、ふわふわ…",
    "search.submit": "検索",
    "search.category": "種類",
    "search.breed": "品種",
    "search.sort": "並び順",
    "search.any": "すべて",
    "search.hits": "{count}件",
    "search.empty": "見つかりませんでした。ことばや絞り込みを変えてみてください。",
    "search.end": "これで全部です",
    "search.didYouMean": "もしかして:",
    "sort.score": "関連度",
    "sort.like": "いいね数",
    "sort.created_at": "新着",
    "sort.random": "ランダム",
    "sort.learn_to_rank": "おすすめ",
    "error.load": "読み込めませんでした。",
    "error.network": "サーバーにつながりません。しばらくしてから再試行してください。",
    "error.offline": "インターネットにつながっていません。接続を確かめてから再試行してください。",
    "error.server": "サーバーで問題が起きました。しばらくしてから再試行してください。",
    "error.retry": "再試行",
    "error.back": "戻る",
    "loading": "読み込み中",
    "likes.count": "いいね {count}",
    "detail.back": "戻る",
    "detail.like": "いいね",
    "detail.liked": "いいね済み",
    "detail.likedBy": "いいねした人",
    "detail.nobody": "まだいません",
    "detail.owner": "投稿者",
    "detail.posted": "投稿日",
    "detail.similar": "似ている動物",
    "detail.review": "審査中：確認が終わるまで他の人には表示されません",
    "detail.justPosted": "投稿しました。数秒で検索に出てきます。",
    "detail.notFound": "この動物は見つかりません。",
    "detail.hide": "この投稿を非表示にする",
    "detail.hideConfirm": "この投稿を非表示にしますか？検索に出なくなります。",
    "post.title": "写真を投稿",
    "post.photo": "写真（JPEG・PNG・WebP）",
    "post.preview": "選んだ写真のプレビュー",
    "post.category": "種類",
    "post.breed": "品種",
    "post.name": "名前",
    "post.description": "説明",
    "post.submit": "投稿する",
    "post.sending": "送信中…",
    "post.tooLarge": "写真が大きすぎます。10 MB までの写真を選んでください。",
    "post.choose": "選んでください",
    "me.title": "マイページ",
    "me.posts": "自分の投稿",
    "me.likes": "いいねした動物",
    "me.logout": "ログアウト",
    "me.nothingPosted": "まだ投稿がありません。",
    "me.nothingLiked": "まだいいねしていません。",
    "me.review": "審査中",
  },
  en: {
    skip: "Skip to content",
    nav: "Main menu",
    "nav.search": "Search",
    "nav.post": "Post",
    "nav.me": "My page",
    "lang.switch": "日本語",
    "login.title": "Log in",
    "login.identifier": "User name or e-mail address",
    "login.password": "Password",
    "login.submit": "Log in",
    "login.failed": "Wrong user name or password.",
    "login.toSignUp": "Create an account",
    "signup.title": "Create an account",
    "signup.handle": "User name (letters, digits, _ . -, at least 3)",
    "signup.email": "E-mail address",
    "signup.password": "Password (at least 12 characters)",
    "signup.submit": "Sign up and log in",
    "signup.toLogin": "Back to log in",
    "signup.notCreated": "The account could not be created. If this e-mail address is registered already, a message has been sent to it: log in with that account.",
    "search.title": "Find animals",
    "search.query": "Keywords",
    "search.placeholder": "cat, shiba, fluffy…",
    "search.submit": "Search",
    "search.category": "Kind",
    "search.breed": "Breed",
    "search.sort": "Sort by",
    "search.any": "Any",
    "search.hits": "{count} found",
    "search.empty": "Nothing found. Try other words or fewer filters.",
    "search.end": "That is all of them",
    "search.didYouMean": "Did you mean:",
    "sort.score": "Relevance",
    "sort.like": "Most liked",
    "sort.created_at": "Newest",
    "sort.random": "Random",
    "sort.learn_to_rank": "Recommended",
    "error.load": "Could not load.",
    "error.network": "The server cannot be reached. Wait a moment, then try again.",
    "error.offline": "You are offline. Check the connection, then try again.",
    "error.server": "Something went wrong on the server. Wait a moment, then try again.",
    "error.retry": "Try again",
    "error.back": "Back",
    "loading": "Loading",
    "likes.count": "{count} likes",
    "detail.back": "Back",
    "detail.like": "Like",
    "detail.liked": "Liked",
    "detail.likedBy": "Liked by",
    "detail.nobody": "Nobody yet",
    "detail.owner": "Posted by",
    "detail.posted": "Posted on",
    "detail.similar": "Similar animals",
    "detail.review": "Under review: others will see it once it has been checked",
    "detail.justPosted": "Posted. It shows up in search within seconds.",
    "detail.notFound": "This animal cannot be found.",
    "detail.hide": "Hide this post",
    "detail.hideConfirm": "Hide this post? It will no longer appear in search.",
    "post.title": "Post a photo",
    "post.photo": "Photo (JPEG, PNG or WebP)",
    "post.preview": "Preview of the chosen photo",
    "post.category": "Kind",
    "post.breed": "Breed",
    "post.name": "Name",
    "post.description": "Description",
    "post.submit": "Post",
    "post.sending": "Sending…",
    "post.tooLarge": "The photo is too large: choose one of 10 MB at most.",
    "post.choose": "Choose one",
    "me.title": "My page",
    "me.posts": "My posts",
    "me.likes": "Animals I liked",
    "me.logout": "Log out",
    "me.nothingPosted": "No posts yet.",
    "me.nothingLiked": "No likes yet.",
    "me.review": "Under review",
  },
};

export function language() {
  const stored = localStorage.getItem(KEY);
  return stored === "en" || stored === "ja" ? stored : "ja";
}

export function setLanguage(lang) {
  localStorage.setItem(KEY, lang);
}

/** The message `key` in the current language, with `{name}` placeholders filled. */
export function t(key, params = {}) {
  const text = MESSAGES[language()][key] ?? MESSAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

/** `name_ja` or `name_en` of a category or breed, by the current language. */
export function localName(item, prefix = "") {
  return language() === "ja" ? item[`${prefix}name_ja`] : item[`${prefix}name_en`];
}

/** Fill the page's fixed texts (elements marked data-i18n / data-i18n-label). */
export function translateStatic(root = document) {
  document.documentElement.lang = language();
  document.documentElement.dataset.lang = language();
  for (const element of root.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  for (const element of root.querySelectorAll("[data-i18n-label]")) {
    element.setAttribute("aria-label", t(element.dataset.i18nLabel));
  }
  document.documentElement.dataset.translated = "";
}

export function formatDate(iso) {
  return new Intl.DateTimeFormat(language() === "ja" ? "ja-JP" : "en-GB", { dateStyle: "medium" }).format(new Date(iso));
}
