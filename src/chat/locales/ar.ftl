# نصوص البوت بالعربية: الرسائل نفسها التي في en.ftl (تتحقق الاختبارات من ذلك).
# الاقتباسات من المقالات لا تُترجم هنا: تُعرض كما وردت في المقال.
# العربية تُكتب من اليمين إلى اليسار: تضيف الشيفرة (src/chat/bidi.rs) علامات الاتجاه
# الخفية حول الكلمات اللاتينية مثل /help، فلا حاجة إلى كتابتها هنا.

language-name = العربية

## /start

start-hello = مرحبًا! أجيب عن الأسئلة حول { $titles } باقتباس نص المقال نفسه.
start-try = جرّب أن تسأل:
start-example-who = من … ؟ (شخص يذكره المقال)
start-example-when = متى … ؟ (حدث ينقله المقال)
start-example-where = أين … ؟ (مكان يرد فيه)
start-help = أرسل /help لترى كل ما أستطيع فعله.

## /help وقائمة الأوامر

help-intro = اسألني عن المقال بكلمات بسيطة، وسأجيبك بجمل المقال نفسها مع رقم الفقرة (¶). وإن لم يذكر المقال ذلك، أخبرتك بهذا.
help-commands = الأوامر:
help-groups = في المجموعات، استخدم /ask متبوعًا بسؤالك، أو اذكرني، أو ردّ على رسالتي.
command-start = التحية وعرض أمثلة على الأسئلة.
command-help = عرض ما أستطيع فعله.
command-about = عرض عنوان المقال وتاريخه ومصدره وحجمه.
command-ask = اطرح سؤالًا عن المقال: /ask ثم سؤالك
command-reset = نسيان هذه المحادثة ليبدأ السؤال التالي من جديد.
command-language = اختيار لغة الردود: الإنجليزية أو الروسية أو العربية.
command-reload = إعادة تحميل ملف قواعد الأسئلة الشائعة (للمشرفين فقط؛ غير مدرج).
command-articles = اعرض المقالات التي أجيب منها.
command-article = اختر المقال الذي أجيب منه: /article 2 أو /article all.

## الإجابات

not-found = لا يذكر المقال ذلك. اسأل عن شيء يتناوله، أو أرسل /help.
not-found-short = لا يذكر المقال ذلك.
unknown-script = لا أستطيع قراءة الأسئلة المكتوبة بهذا الخط. من فضلك اسأل بالإنجليزية أو الروسية أو العربية.
unknown-script-short = لا أستطيع قراءة هذا الخط.
inline-not-found = لا يذكر المقال ذلك
inline-faq = من أجوبة البوت عن الأسئلة الشائعة
answer-from = — من { $titles }
answer-group = من { $title }:

## /about

about-date = التاريخ: { $date }
about-source = المصدر: { $source }
about-source-url = المصدر: { $source } ({ $url })
about-no-source = المصدر: غير مذكور
about-size = عدد الفقرات: { $paragraphs }، عدد الجمل: { $sentences }

## الأوامر والأزرار والتلميحات

ask-what = اكتب سؤالك بعد الأمر، مثلًا: /ask { $example }
ask-what-plain = اكتب سؤالك عن المقال بعد الأمر: /ask ثم سؤالك.
ask-mention = ماذا تريد أن تعرف عن المقال؟ مثلًا: { $example }
ask-mention-plain = ماذا تريد أن تعرف عن المقال؟ اكتب سؤالك بعد اسمي.
reset-done = تم — نسيت محادثتنا. سيبدأ سؤالك التالي من جديد.
no-memory = لا أستطيع الوصول إلى ذاكرة المحادثة الآن، لذا أجيب عن كل سؤال على حدة حتى تعود.
no-memory-article = لا أستطيع الوصول إلى ذاكرة المحادثة الآن، لذا لا يمكنني حفظ مقال لهذه المحادثة: أجيب من كل المقالات حتى تعود.
button-more = المزيد
button-paragraph = الفقرة كاملة
button-read-article = اقرأ المقال
button-all-articles = كل المقالات
nothing-more = هذا كل ما في المقال عن ذلك.
button-stale = انتهت صلاحية هذا الزر. اسأل مرة أخرى من فضلك.
button-invalid = هذا الزر غير صالح هنا.
unknown-command = لا أعرف هذا الأمر. أرسل /help لترى ما أستطيع فعله.
text-only = لا أقرأ إلا النصوص. أرسل سؤالك في رسالة.
something-went-wrong = عذرًا، حدث خطأ من جهتي. حاول مرة أخرى من فضلك.

## /reload (للمشرفين)

reload-no-file = لم يُضبط ملف لقواعد الأسئلة الشائعة، فلا شيء لإعادة تحميله.
reload-done = أُعيد تحميل قواعد الأسئلة الشائعة من { $path }، وعددها { $rules }.
reload-skipped = استُبعدت قواعد عددها { $count } لأن اقتباساتها ليست في هذه المقالات:
reload-failed = في ملف القواعد أخطاء، لذا أبقيت القواعد السابقة.

## المحادثة في الطرفية

console-hint = (اكتب سؤالًا؛ /help للأوامر؛ /quit أو Ctrl-D للخروج.)
console-invalid-line = (لم يكن هذا السطر نصًا صالحًا؛ اكتبه مرة أخرى من فضلك.)
no-token = لم يُضبط رمز Telegram، لذا هذه هي المحادثة في الطرفية. لتشغيل بوت Telegram، أضف إلى الملف .env السطر TELOXIDE_TOKEN=<token> مع الرمز الذي أعطاك إياه @BotFather (راجع README).

## /language

language-current = لغة الردود: { $language }.
language-why-chat = اختيرت لهذه المحادثة بالأمر /language.
language-why-app = وهي لغة تطبيقك.
language-why-default = وهي اللغة الافتراضية، إذ إن لغة تطبيقك ليست من لغاتي.
language-options = لتغييرها، أرسل أحد الأوامر:
language-auto = لغة تطبيق كل شخص
language-changed = تم — لغة الردود في هذه المحادثة الآن: { $language }.
language-changed-auto = تم — سأرد مجددًا بلغة تطبيق كل شخص (وبالإنجليزية إن لم تكن من لغاتي).
language-unknown = لا أعرف اللغة «{ $code }».

## /articles و /article

start-choose = أرسل /articles لتراها، أو /article <رقم> لتسأل عن واحد منها.
articles-title = المقالات التي أجيب منها (عددها { $count }):
articles-paragraphs = عدد الفقرات: { $paragraphs }
articles-current-one = في هذه المحادثة أجيب من المقال رقم { $number }، { $title }.
articles-current-all = في هذه المحادثة أجيب منها كلها.
articles-choose = أرسل /article <رقم> لتسأل عن واحد منها، أو /article all لتسأل عنها كلها.
article-chosen = تم — في هذه المحادثة أجيب الآن من { $title }. أرسل /article all لتسأل عن كل المقالات من جديد.
article-all = تم — في هذه المحادثة أجيب من جديد من المقالات كلها ({ $count }).
article-unknown = لا يوجد مقال «{ $arg }». أرسل /article مع رقم من 1 إلى { $count }، أو /article all.
