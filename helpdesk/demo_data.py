"""Demo content for seed_demo: customers and tickets a wallet's support team really sees.

Each ticket: key (stable, makes the seed idempotent), category, language, requester key, subject,
body, details, final status, age in hours, assignee key or None, and the agent's reply (or None).
"""

DEMO_PASSWORD = "demo-pass-2026"
# The demo staff's authenticator key (base32, as apps take it): a second factor everyone knows,
# for the demo only. `python manage.py demo_totp` prints its current code.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# key: (email, name, role groups, is_staff, is_superuser, language)
DEMO_USERS = {
    "admin": ("admin@example.com", "Ayu Admin", ["admin"], True, True, "en"),
    "lead": ("lead@example.com", "Rina Wijaya", ["lead"], True, False, "id"),
    "budi": ("budi@example.com", "Budi Santoso", ["agent"], False, False, "id"),
    "mei": ("mei@example.com", "Mei Lin", ["agent"], False, False, "en"),
    "siti": ("siti@example.com", "Siti Rahmawati", [], False, False, "id"),
}

# user key: [(queue slug, is lead)]
DEMO_MEMBERSHIPS = {
    "lead": [
        ("payments", True),
        ("refunds", True),
        ("account-security", True),
        ("complaints", True),
        ("general", True),
    ],
    "budi": [("payments", False), ("refunds", False), ("general", False)],
    "mei": [("account-security", False), ("complaints", False), ("payments", False)],
}

# Guests (no account) besides the demo customer Siti: key: (email, name, phone, language)
DEMO_CONTACTS = {
    "andi": ("andi.pratama@example.net", "Andi Pratama", "+6281234567801", "id"),
    "dewi": ("dewi.lestari@example.net", "Dewi Lestari", "+6281398765402", "id"),
    "rizky": ("rizky.h@example.net", "Rizky Hidayat", "", "id"),
    "michael": ("michael.tan@example.org", "Michael Tan", "+6587654321", "en"),
    "sarah": ("sarah.o@example.org", "Sarah Owens", "", "en"),
    "wang": ("wang.fang@example.cn", "王芳", "", "zh-hans"),
    "lina": ("li.na@example.cn", "李娜", "+6281122334455", "zh-hans"),
}

DEMO_TICKETS = [
    # payment_failed
    {
        "key": "demo-01",
        "category": "payment_failed",
        "language": "id",
        "requester": "siti",
        "subject": "Bayar pakai QRIS gagal tapi saldo terpotong",
        "body": "Saya bayar di kedai kopi pakai QRIS Rp45.000. Di aplikasi muncul 'Transaksi gagal' "
        "tapi saldo saya langsung berkurang, dan kasirnya bilang pembayaran belum masuk. "
        "Mohon dicek dan dikembalikan saldonya.",
        "details": {
            "transaction_reference": "TRX-20261121-8F3K2Q",
            "amount": "45000",
            "currency": "IDR",
            "occurred_at": "2026-11-21T08:14",
            "payment_method": "qris",
            "merchant": "Kedai Kopi Senopati",
        },
        "status": "new",
        "age_hours": 3,
        "assignee": None,
        "reply": None,
    },
    {
        "key": "demo-02",
        "category": "payment_failed",
        "language": "en",
        "requester": "michael",
        "subject": "Debit card declined when paying for a flight",
        "body": "I tried three times to pay for a flight with the debit card linked to my wallet "
        "and got 'payment declined' each time. The card works fine in shops. What is blocking it?",
        "details": {
            "transaction_reference": "TRX-20261120-2M7WQA",
            "amount": "1850000",
            "currency": "IDR",
            "occurred_at": "2026-11-20T19:40",
            "payment_method": "bank_card",
            "merchant": "Skyways Travel",
            "card_last4": "4821",
        },
        "status": "open",
        "age_hours": 20,
        "assignee": "budi",
        "reply": "Thanks, Michael. Online (card-not-present) payments are switched off for this card "
        "at your bank. Please enable online transactions in your bank's app, then try again.",
    },
    {
        "key": "demo-03",
        "category": "payment_failed",
        "language": "zh-hans",
        "requester": "wang",
        "subject": "银行卡支付失败,提示交易受限",
        "body": "网购付款时一直提示“交易受限”,卡里余额是够的,换了两次也不行。请帮忙看看是什么原因。",
        "details": {
            "transaction_reference": "TRX-20261119-K4D9PZ",
            "amount": "320000",
            "currency": "IDR",
            "occurred_at": "2026-11-19T21:05",
            "payment_method": "bank_card",
            "merchant": "Toko Elektronik Jaya",
            "card_last4": "7310",
        },
        "status": "pending_customer",
        "age_hours": 44,
        "assignee": "budi",
        "reply": "您好!“交易受限”通常是发卡行限制了网上支付或单笔限额。请确认您的银行卡已开通网上支付,"
        "并告诉我们银行的名称,我们再帮您进一步核实。",
    },
    {
        "key": "demo-04",
        "category": "payment_failed",
        "language": "id",
        "requester": "rizky",
        "subject": "Top up lewat virtual account belum masuk",
        "body": "Saya top up Rp200.000 lewat virtual account BRI jam 10 pagi, di m-banking sudah "
        "berhasil dan ada bukti transfer, tapi saldo belum bertambah sampai sekarang.",
        "details": {
            "transaction_reference": "TRX-20261121-VA77H2",
            "amount": "200000",
            "currency": "IDR",
            "occurred_at": "2026-11-21T10:02",
            "payment_method": "virtual_account",
            "bank": "BRI",
            "merchant": "Top up saldo",
        },
        "status": "on_hold",
        "age_hours": 9,
        "assignee": "budi",
        "reply": "Halo Kak Rizky, dananya sudah kami lacak dan sedang kami konfirmasi ke pihak bank. "
        "Kami kabari lagi paling lambat 1x24 jam.",
    },
    {
        "key": "demo-05",
        "category": "payment_failed",
        "language": "en",
        "requester": "sarah",
        "subject": "PayLater payment failed at the supermarket",
        "body": "My PayLater payment failed at the till although I have limit left. I paid cash in "
        "the end but would like to know why.",
        "details": {
            "transaction_reference": "TRX-20261115-PL3R8D",
            "amount": "275500",
            "currency": "IDR",
            "occurred_at": "2026-11-15T17:22",
            "payment_method": "paylater",
            "merchant": "FreshMart Kemang",
        },
        "status": "resolved",
        "age_hours": 150,
        "assignee": "mei",
        "reply": "Hi Sarah, the merchant's terminal was not enabled for PayLater at the time. "
        "It has been fixed on their side, so it should work on your next visit.",
    },
    {
        "key": "demo-06",
        "category": "payment_failed",
        "language": "id",
        "requester": "andi",
        "subject": "Transfer ke rekening bank gagal tapi saldo berkurang",
        "body": "Kirim uang Rp500.000 ke rekening BCA adik saya, statusnya gagal tapi saldo dompet "
        "saya sudah berkurang. Adik saya belum terima uangnya.",
        "details": {
            "transaction_reference": "TRX-20261118-TF92LM",
            "amount": "500000",
            "currency": "IDR",
            "occurred_at": "2026-11-18T13:30",
            "payment_method": "balance",
            "merchant": "Transfer bank",
        },
        "status": "resolved",
        "age_hours": 90,
        "assignee": "budi",
        "reply": "Halo Kak Andi, transfer tersebut gagal di sisi bank dan dananya sudah kembali ke "
        "saldo Anda hari ini. Silakan cek riwayat transaksi.",
    },
    # refund
    {
        "key": "demo-07",
        "category": "refund",
        "language": "id",
        "requester": "dewi",
        "subject": "Refund pesanan makanan yang dibatalkan belum masuk",
        "body": "Pesanan saya dibatalkan oleh restoran karena tutup, tapi sudah 3 hari refund "
        "Rp129.000 belum masuk ke saldo.",
        "details": {
            "transaction_reference": "TRX-20261118-FD55XK",
            "amount": "129000",
            "currency": "IDR",
            "transaction_date": "2026-11-18",
            "merchant": "Sate Khas Senayan",
            "reason": "Pesanan dibatalkan restoran",
            "refund_requested_on": "2026-11-18",
        },
        "status": "open",
        "age_hours": 26,
        "assignee": "budi",
        "reply": "Halo Kak Dewi, refund sedang kami proses bersama merchant. Dana biasanya kembali "
        "dalam 1-3 hari kerja setelah merchant menyetujui.",
    },
    {
        "key": "demo-08",
        "category": "refund",
        "language": "en",
        "requester": "michael",
        "subject": "Charged twice for one online order",
        "body": "I was charged twice for the same order (two identical transactions a minute apart). "
        "Please refund the duplicate.",
        "details": {
            "transaction_reference": "TRX-20261112-DUP4X9",
            "amount": "459000",
            "currency": "IDR",
            "transaction_date": "2026-11-12",
            "merchant": "Gadget Hub Online",
            "reason": "Duplicate charge",
            "refund_requested_on": "2026-11-12",
        },
        "status": "resolved",
        "age_hours": 230,
        "assignee": "budi",
        "reply": "Hi Michael, we confirmed the duplicate charge and refunded IDR 459,000 to your "
        "balance. Sorry for the trouble.",
    },
    {
        "key": "demo-09",
        "category": "refund",
        "language": "zh-hans",
        "requester": "lina",
        "subject": "退款多久能到账?",
        "body": "商家已经同意退款,说钱会退回到钱包余额,但是两天了还没看到。一般需要多久?",
        "details": {
            "transaction_reference": "TRX-20261119-RF2K7Q",
            "amount": "780000",
            "currency": "IDR",
            "transaction_date": "2026-11-17",
            "merchant": "Batik Nusantara",
            "reason": "商品与描述不符",
            "refund_requested_on": "2026-11-19",
        },
        "status": "pending_customer",
        "age_hours": 50,
        "assignee": "budi",
        "reply": "您好!退回余额一般在商家确认后 1-3 个工作日内到账,退回银行卡可能需要 7-14 个工作日。"
        "请提供商家的退款确认截图,我们帮您跟进。",
    },
    {
        "key": "demo-10",
        "category": "refund",
        "language": "id",
        "requester": "siti",
        "subject": "Minta pengembalian dana tiket bioskop",
        "body": "Jadwal film dibatalkan oleh bioskop dan saya diminta mengajukan refund lewat "
        "aplikasi. Mohon dibantu.",
        "details": {
            "transaction_reference": "TRX-20261121-MV8C3T",
            "amount": "100000",
            "currency": "IDR",
            "transaction_date": "2026-11-21",
            "merchant": "Bioskop 21",
            "reason": "Jadwal dibatalkan",
            "refund_requested_on": "2026-11-21",
        },
        "status": "new",
        "age_hours": 5,
        "assignee": None,
        "reply": None,
    },
    {
        "key": "demo-11",
        "category": "refund",
        "language": "en",
        "requester": "sarah",
        "subject": "Merchant promised a refund ten days ago",
        "body": "The shop agreed to refund a returned jacket ten days ago and I have not received "
        "anything. They say it is on your side now.",
        "details": {
            "transaction_reference": "TRX-20261110-JK6T2B",
            "amount": "650000",
            "currency": "IDR",
            "transaction_date": "2026-11-08",
            "merchant": "Urban Outfit Store",
            "reason": "Item returned",
            "refund_requested_on": "2026-11-11",
        },
        "status": "open",
        "age_hours": 70,
        "assignee": None,
        "reply": None,
    },
    # account_access
    {
        "key": "demo-12",
        "category": "account_access",
        "language": "id",
        "requester": "andi",
        "subject": "Akun terkunci setelah salah PIN",
        "body": "Saya salah memasukkan PIN beberapa kali dan sekarang akun terkunci. Saya tidak "
        "bisa login sama sekali. Tolong dibuka.",
        "details": {
            "registered_phone": "+6281234567801",
            "registered_email": "andi.pratama@example.net",
            "what_happened": "locked_wrong_pin",
        },
        "status": "new",
        "age_hours": 1,
        "assignee": None,
        "reply": None,
    },
    {
        "key": "demo-13",
        "category": "account_access",
        "language": "en",
        "requester": "michael",
        "subject": "Lost my phone, need to sign in on a new one",
        "body": "My phone was stolen yesterday. I have a new phone with the same number but the app "
        "asks for verification I cannot complete.",
        "details": {
            "registered_phone": "+6587654321",
            "registered_email": "michael.tan@example.org",
            "what_happened": "lost_phone",
        },
        "status": "open",
        "age_hours": 18,
        "assignee": "mei",
        "reply": "Hi Michael, we have secured your account. To move it to your new phone we need a "
        "selfie holding your ID card; please attach it here.",
    },
    {
        "key": "demo-14",
        "category": "account_access",
        "language": "zh-hans",
        "requester": "wang",
        "subject": "收不到验证码,无法登录",
        "body": "换了新手机以后登录一直收不到短信验证码,已经等了好几次。",
        "details": {
            "registered_phone": "+6281299887766",
            "registered_email": "wang.fang@example.cn",
            "what_happened": "no_otp",
        },
        "status": "pending_customer",
        "age_hours": 30,
        "assignee": "mei",
        "reply": "您好!请确认手机信号正常、没有开启短信拦截,并检查号码是否仍在使用中。"
        "如果仍然收不到,请回复告诉我们您的运营商名称。",
    },
    {
        "key": "demo-15",
        "category": "account_access",
        "language": "id",
        "requester": "dewi",
        "subject": "Ganti nomor HP, tidak bisa login",
        "body": "Nomor lama saya sudah hangus dan saya tidak bisa login karena kode verifikasi "
        "dikirim ke nomor lama.",
        "details": {
            "registered_phone": "+6281398765402",
            "registered_email": "dewi.lestari@example.net",
            "what_happened": "changed_number",
        },
        "status": "resolved",
        "age_hours": 120,
        "assignee": "mei",
        "reply": "Halo Kak Dewi, nomor di akun Anda sudah kami perbarui setelah verifikasi data. "
        "Silakan login dengan nomor baru.",
    },
    # suspicious_transaction
    {
        "key": "demo-16",
        "category": "suspicious_transaction",
        "language": "id",
        "requester": "siti",
        "subject": "Ada transaksi yang bukan saya",
        "body": "Tadi malam ada dua transaksi ke merchant yang tidak saya kenal, total Rp750.000. "
        "Saya tidak pernah melakukannya. Tolong bekukan akun saya.",
        "details": {
            "transaction_references": "TRX-20261121-ZX81QA, TRX-20261121-ZX82QB",
            "amount": "750000",
            "currency": "IDR",
            "occurred_at": "2026-11-21T23:10",
            "freeze_account": True,
        },
        "status": "open",
        "age_hours": 4,
        "assignee": "mei",
        "reply": "Kak Siti, akun Anda sudah kami bekukan sementara untuk keamanan. Tim kami sedang "
        "menelusuri kedua transaksi tersebut.",
    },
    {
        "key": "demo-17",
        "category": "suspicious_transaction",
        "language": "en",
        "requester": "sarah",
        "subject": "Transfer to a number I don't know",
        "body": "There is a transfer of IDR 300,000 from my balance to a phone number I have never "
        "seen. I did not make it.",
        "details": {
            "transaction_references": "TRX-20261122-UNK7Y3",
            "amount": "300000",
            "currency": "IDR",
            "occurred_at": "2026-11-22T06:45",
            "freeze_account": True,
        },
        "status": "new",
        "age_hours": 0.5,
        "assignee": None,
        "reply": None,
    },
    {
        "key": "demo-18",
        "category": "suspicious_transaction",
        "language": "zh-hans",
        "requester": "lina",
        "subject": "账户出现陌生扣款",
        "body": "今天早上发现账户里有一笔我不认识的扣款,商户名称我从来没见过,请帮我查一下。",
        "details": {
            "transaction_references": "TRX-20261120-CN4D8E",
            "amount": "125000",
            "currency": "IDR",
            "occurred_at": "2026-11-20T07:30",
            "freeze_account": False,
        },
        "status": "on_hold",
        "age_hours": 52,
        "assignee": "mei",
        "reply": "您好,我们已将这笔交易提交给风控团队核查,结果出来后会第一时间通知您。",
    },
    # complaint
    {
        "key": "demo-19",
        "category": "complaint",
        "language": "id",
        "requester": "rizky",
        "subject": "Sudah 3 hari tidak ada balasan dari CS",
        "body": "Saya sudah melapor masalah top up tiga hari lalu dan belum ada jawaban sama sekali. "
        "Mohon ditindaklanjuti.",
        "details": {"about": "delay", "earlier_reference": "GP-4TQ7MZ"},
        "status": "new",
        "age_hours": 2,
        "assignee": None,
        "reply": None,
    },
    {
        "key": "demo-20",
        "category": "complaint",
        "language": "en",
        "requester": "michael",
        "subject": "Unexpected fee on a bank transfer",
        "body": "I was charged an admin fee on a transfer that the app said was free this month.",
        "details": {"about": "fees", "earlier_reference": ""},
        "status": "open",
        "age_hours": 33,
        "assignee": "lead",
        "reply": "Hi Michael, you are right: the promotion applied to your transfer. We are "
        "reversing the fee and will confirm once it is back in your balance.",
    },
    {
        "key": "demo-21",
        "category": "complaint",
        "language": "zh-hans",
        "requester": "wang",
        "subject": "对客服的处理方式不满意",
        "body": "上次联系客服时,对方没有听完我的问题就挂断了电话,希望能改进。",
        "details": {"about": "agent_conduct", "earlier_reference": ""},
        "status": "resolved",
        "age_hours": 200,
        "assignee": "lead",
        "reply": "非常抱歉给您带来不好的体验。我们已经与相关同事沟通并安排了培训,感谢您的反馈。",
    },
    {
        "key": "demo-22",
        "category": "complaint",
        "language": "id",
        "requester": "dewi",
        "subject": "Merchant menolak pembayaran QRIS padahal ada logonya",
        "body": "Toko di mal memasang logo QRIS tapi kasirnya menolak pembayaran dan meminta tunai.",
        "details": {"about": "merchant", "earlier_reference": ""},
        "status": "closed",
        "age_hours": 500,
        "assignee": "lead",
        "reply": "Terima kasih laporannya, Kak Dewi. Merchant tersebut sudah kami hubungi dan "
        "kasirnya sudah mendapat penjelasan.",
    },
    # how_to
    {
        "key": "demo-23",
        "category": "how_to",
        "language": "en",
        "requester": "sarah",
        "subject": "How do I set a daily spending limit?",
        "body": "I would like to limit how much can be spent from my balance each day. Where is the "
        "setting?",
        "details": {},
        "status": "resolved",
        "age_hours": 100,
        "assignee": "budi",
        "reply": "Hi Sarah, open Profile, then Security, then Transaction limit, and choose a daily "
        "amount. The new limit applies immediately.",
    },
    {
        "key": "demo-24",
        "category": "how_to",
        "language": "id",
        "requester": "siti",
        "subject": "Cara menghubungkan rekening bank",
        "body": "Bagaimana cara menambahkan rekening bank supaya bisa tarik saldo?",
        "details": {},
        "status": "new",
        "age_hours": 7,
        "assignee": None,
        "reply": None,
    },
    {
        "key": "demo-25",
        "category": "how_to",
        "language": "zh-hans",
        "requester": "lina",
        "subject": "如何开通支付密码保护?",
        "body": "我想给每笔付款都加上支付密码确认,应该在哪里设置?",
        "details": {},
        "status": "closed",
        "age_hours": 400,
        "assignee": "budi",
        "reply": "您好!请进入“我的”→“安全设置”→“支付 PIN”,开启“每笔付款都需要 PIN”即可。",
    },
    {
        "key": "demo-26",
        "category": "how_to",
        "language": "id",
        "requester": "andi",
        "subject": "Cara upgrade ke akun premium",
        "body": "Saya mau upgrade akun supaya limit saldo lebih besar. Dokumen apa saja yang perlu "
        "disiapkan?",
        "details": {},
        "status": "pending_customer",
        "age_hours": 60,
        "assignee": "budi",
        "reply": "Halo Kak Andi, siapkan e-KTP asli dan pastikan pencahayaan cukup untuk foto "
        "selfie. Prosesnya di menu Profil > Upgrade. Ada kendala saat mencoba?",
    },
    # app_problem
    {
        "key": "demo-27",
        "category": "app_problem",
        "language": "id",
        "requester": "rizky",
        "subject": "Aplikasi tertutup sendiri saat buka riwayat transaksi",
        "body": "Setiap buka menu riwayat transaksi, aplikasi langsung tertutup. Sudah coba "
        "restart HP.",
        "details": {
            "device": "Samsung Galaxy A14",
            "os": "Android 14",
            "app_version": "5.12.1",
            "network": "4g",
        },
        "status": "open",
        "age_hours": 15,
        "assignee": "budi",
        "reply": "Halo Kak Rizky, mohon hapus cache aplikasi (Pengaturan > Aplikasi > Penyimpanan) "
        "lalu perbarui ke versi terbaru. Kabari kami jika masih terjadi.",
    },
    {
        "key": "demo-28",
        "category": "app_problem",
        "language": "en",
        "requester": "michael",
        "subject": "App stuck on the loading screen after the update",
        "body": "Since yesterday's update the app shows the loading animation forever.",
        "details": {
            "device": "iPhone 13",
            "os": "iOS 18.1",
            "app_version": "5.12.0",
            "network": "wifi",
        },
        "status": "pending_customer",
        "age_hours": 28,
        "assignee": "budi",
        "reply": "Hi Michael, does it also happen on mobile data instead of Wi-Fi? Some office "
        "networks block our servers.",
    },
    {
        "key": "demo-29",
        "category": "app_problem",
        "language": "zh-hans",
        "requester": "wang",
        "subject": "打开应用就闪退",
        "body": "更新以后一打开应用就闪退,重装了也一样。",
        "details": {
            "device": "Xiaomi Redmi Note 12",
            "os": "Android 13",
            "app_version": "5.12.1",
            "network": "wifi",
        },
        "status": "new",
        "age_hours": 6,
        "assignee": None,
        "reply": None,
    },
    {
        "key": "demo-30",
        "category": "app_problem",
        "language": "id",
        "requester": "dewi",
        "subject": "Notifikasi transaksi tidak muncul",
        "body": "Saya tidak menerima notifikasi setelah transaksi, padahal izin notifikasi aktif.",
        "details": {
            "device": "Oppo A78",
            "os": "Android 13",
            "app_version": "5.11.4",
            "network": "4g",
        },
        "status": "resolved",
        "age_hours": 170,
        "assignee": "budi",
        "reply": "Halo Kak Dewi, matikan mode hemat baterai untuk aplikasi kami agar notifikasi "
        "tidak ditahan oleh sistem.",
    },
    {
        "key": "demo-31",
        "category": "app_problem",
        "language": "en",
        "requester": "sarah",
        "subject": "Camera shows a black screen when scanning a QR code",
        "body": "When I tap Pay and try to scan a QR code, the camera view stays black.",
        "details": {
            "device": "Google Pixel 7",
            "os": "Android 15",
            "app_version": "5.12.1",
            "network": "5g",
        },
        "status": "new",
        "age_hours": 2.5,
        "assignee": None,
        "reply": None,
    },
    # a few more for the busier queues
    {
        "key": "demo-32",
        "category": "payment_failed",
        "language": "zh-hans",
        "requester": "lina",
        "subject": "扫码付款失败但余额被扣",
        "body": "在超市扫码付款显示失败,但是余额少了 56,000 印尼盾,收银员说没收到。",
        "details": {
            "transaction_reference": "TRX-20261122-QR5S1M",
            "amount": "56000",
            "currency": "IDR",
            "occurred_at": "2026-11-22T09:12",
            "payment_method": "qris",
            "merchant": "Superindo Kuningan",
        },
        "status": "new",
        "age_hours": 1.5,
        "assignee": None,
        "reply": None,
    },
    {
        "key": "demo-33",
        "category": "refund",
        "language": "id",
        "requester": "rizky",
        "subject": "Refund pembelian pulsa yang gagal",
        "body": "Beli pulsa Rp50.000 statusnya gagal dan pulsa tidak masuk, tapi saldo terpotong.",
        "details": {
            "transaction_reference": "TRX-20261120-PL50KX",
            "amount": "50000",
            "currency": "IDR",
            "transaction_date": "2026-11-20",
            "merchant": "Pulsa & Paket Data",
            "reason": "Pulsa tidak masuk",
            "refund_requested_on": "2026-11-20",
        },
        "status": "resolved",
        "age_hours": 40,
        "assignee": "budi",
        "reply": "Halo Kak Rizky, dana Rp50.000 sudah dikembalikan ke saldo Anda.",
    },
    {
        "key": "demo-34",
        "category": "account_access",
        "language": "en",
        "requester": "sarah",
        "subject": "Account blocked after changing my phone",
        "body": "After moving to a new phone the app says my account is temporarily blocked.",
        "details": {
            "registered_phone": "+6281277001122",
            "registered_email": "sarah.o@example.org",
            "what_happened": "blocked",
        },
        "status": "new",
        "age_hours": 0.2,
        "assignee": None,
        "reply": None,
    },
    {
        "key": "demo-35",
        "category": "suspicious_transaction",
        "language": "id",
        "requester": "andi",
        "subject": "Dapat SMS kode verifikasi padahal tidak login",
        "body": "Saya terima SMS kode verifikasi beberapa kali padahal tidak sedang login. Apakah "
        "akun saya aman?",
        "details": {
            "transaction_references": "",
            "amount": "",
            "currency": "IDR",
            "occurred_at": "2026-11-16T22:00",
            "freeze_account": False,
        },
        "status": "resolved",
        "age_hours": 140,
        "assignee": "mei",
        "reply": "Kak Andi, tidak ada login baru ke akun Anda. Jangan pernah bagikan kode tersebut "
        "kepada siapa pun, termasuk yang mengaku petugas kami.",
    },
    {
        "key": "demo-36",
        "category": "how_to",
        "language": "en",
        "requester": "michael",
        "subject": "Where can I download a monthly statement?",
        "body": "I need a statement of last month's transactions for my expense report.",
        "details": {},
        "status": "open",
        "age_hours": 12,
        "assignee": None,
        "reply": None,
    },
]

# Ratings customers gave resolved demo tickets: key -> (score, comment)
DEMO_RATINGS = {
    "demo-05": (5, "Quick and clear, thank you."),
    "demo-06": (4, "Uangnya sudah kembali, terima kasih."),
    "demo-08": (4, ""),
    "demo-21": (3, "处理得还可以,但是有点慢。"),
    "demo-23": (5, "Exactly what I needed."),
    "demo-33": (5, "Mantap, cepat sekali!"),
}

# Planned work is an announcement; an outage is an incident (below).
DEMO_ANNOUNCEMENT = {
    "message_id": "Pemeliharaan terjadwal Minggu pukul 01.00-03.00 WIB: top up dan transfer bisa "
    "lebih lambat dari biasanya.",
    "message_en": "Planned maintenance on Sunday, 01:00-03:00 WIB: top-ups and transfers may be "
    "slower than usual.",
    "message_zh_hans": "计划维护:周日雅加达时间 01:00-03:00,充值和转账可能比平时慢。",
    "severity": "info",
}

# An outage declared as an incident (README "Incidents"): its banner shows on the help centre and
# the payment form, and the demo's BRI virtual-account ticket is linked to it at creation.
DEMO_INCIDENT = {
    "title_id": "Top up lewat virtual account BRI terlambat",
    "title_en": "Top-ups by BRI virtual account are delayed",
    "title_zh_hans": "通过 BRI 虚拟账户的充值延迟到账",
    "message_id": "Top up lewat virtual account BRI sedang terlambat masuk. Saldo Anda aman: dana "
    "yang sudah terpotong di bank akan masuk otomatis setelah gangguan selesai, tanpa perlu "
    "mengirim laporan. Hubungi kami bila saldo belum masuk 24 jam setelah gangguan selesai.",
    "message_en": "Top-ups by BRI virtual account are arriving late. Your money is safe: what "
    "your bank has taken will reach your balance automatically once this is fixed, with no need "
    "to write in. Contact us if it has not arrived 24 hours after the fix.",
    "message_zh_hans": "通过 BRI 虚拟账户的充值目前到账延迟。您的资金是安全的:银行已扣款的金额会在"
    "问题修复后自动到账,无需提交请求。如修复后 24 小时仍未到账,请联系我们。",
    "status": "identified",
    "payment_methods": ["virtual_account"],
    "banks": ["BRI"],
}
DEMO_INCIDENT_CATEGORIES = ["payment_failed"]

# What to do at once for the topics where minutes count (tickets.UrgentRoute, editable in the
# admin). The number is the Brand page's hotline (show_hotline), never written here.
DEMO_URGENT_ROUTES = [
    {
        "category_id": "suspicious_transaction",
        "instruction_id": "Blokir akun Anda sekarang di aplikasi: Profil › Keamanan › Blokir akun. "
        "Tidak bisa membuka aplikasi? Telepon kami dan kami blokir untuk Anda.",
        "instruction_en": "Block your account now in the app: Profile › Security › Block account. "
        "Can't open the app? Call us and we will block it for you.",
        "instruction_zh_hans": "请立即在应用中冻结账户：我的 › 安全 › 冻结账户。"
        "无法打开应用？请致电我们，我们为您冻结。",
        "show_hotline": True,
    },
    {
        "category_id": "account_access",
        "instruction_id": "Ponsel hilang atau dicuri? Telepon kami sekarang agar akun Anda kami "
        "blokir. Jangan pernah memberikan kode OTP kepada siapa pun.",
        "instruction_en": "Lost your phone or had it stolen? Call us now and we will block your "
        "account. Never give your OTP code to anyone.",
        "instruction_zh_hans": "手机丢失或被盗？请立即致电我们，我们会冻结您的账户。"
        "切勿把验证码告诉任何人。",
        "show_hotline": True,
    },
]

# Canned responses: (title, language, queue slug or None for every queue, text)
DEMO_CANNED = [
    (
        "Ask for the transaction reference",
        "en",
        None,
        "Hi {customer_name}, thanks for contacting us about {reference}. To check this payment we "
        "need its transaction reference: open History in the app, tap the payment and copy the ID "
        "that starts with TRX. Please never send us your PIN, OTP code or full card number.\n\n"
        "{agent_name}",
    ),
    (
        "Minta ID transaksi",
        "id",
        None,
        "Halo Kak {customer_name}, terima kasih sudah menghubungi kami soal {reference}. Untuk "
        "mengecek pembayaran ini, kami perlu ID transaksinya: buka Riwayat di aplikasi, pilih "
        "transaksinya, lalu salin ID yang diawali TRX. Mohon jangan pernah mengirimkan PIN, kode OTP, "
        "atau nomor kartu lengkap Anda.\n\n{agent_name}",
    ),
    (
        "请提供交易单号",
        "zh-hans",
        None,
        "{customer_name} 您好,关于 {reference},为了核实这笔付款,请在应用的“交易记录”中找到该笔交易,"
        "复制以 TRX 开头的交易单号发给我们。请不要向任何人提供您的 PIN 码、验证码或完整卡号。\n\n{agent_name}",
    ),
    (
        "Refund timing",
        "en",
        "refunds",
        "Hi {customer_name}, the merchant has approved your refund. Refunds to your balance arrive "
        "within 1-3 working days; refunds to a bank card can take 7-14 working days, depending on "
        "your bank. We will keep {reference} open until it arrives.\n\n{agent_name}",
    ),
    (
        "Waktu pengembalian dana",
        "id",
        "refunds",
        "Halo Kak {customer_name}, merchant sudah menyetujui pengembalian dana Anda. Dana ke saldo "
        "masuk dalam 1-3 hari kerja; ke kartu bank bisa 7-14 hari kerja, tergantung bank Anda. "
        "Permintaan {reference} tetap kami buka sampai dananya masuk.\n\n{agent_name}",
    ),
    (
        "Account frozen for your safety",
        "en",
        "account-security",
        "Hi {customer_name}, we have frozen your account for your safety while we look into the "
        "transactions you reported in {reference}. Nobody can pay with it now. We will contact you "
        "here; our team will never ask for your PIN or OTP code.\n\n{agent_name}",
    ),
    (
        "Akun dibekukan sementara",
        "id",
        "account-security",
        "Halo Kak {customer_name}, akun Anda sudah kami bekukan sementara demi keamanan selama kami "
        "menelusuri transaksi yang Anda laporkan di {reference}. Saat ini tidak ada yang bisa "
        "melakukan pembayaran dari akun Anda. Kami akan menghubungi Anda di sini; petugas kami tidak "
        "akan pernah meminta PIN atau kode OTP.\n\n{agent_name}",
    ),
    (
        "App troubleshooting",
        "en",
        "general",
        "Hi {customer_name}, please try these steps: update the app to the latest version, clear its "
        "cache (Settings > Apps > Storage), and switch between Wi-Fi and mobile data. If the problem "
        "stays, reply here with a screenshot.\n\n{agent_name}",
    ),
]

# Macros: title -> Macro fields ("queue" and "set_queue" by slug, None for every queue / keep).
DEMO_MACROS = {
    "Refund sent: tell the customer and wait": {
        "language": "en",
        "queue": "refunds",
        "description": (
            "The merchant's refund went out: tell the customer and wait for them to confirm."
        ),
        "reply_kind": "public",
        "reply_body": (
            "Hi {customer_name}, good news: the refund for {reference} has been sent. It reaches "
            "your balance within 1-3 working days (7-14 for a bank card). Reply here if it has "
            "not arrived by then.\n\n{agent_name}"
        ),
        "set_status": "pending_customer",
        "set_priority": 3,
        "assign": "me",
        "add_tags": "refund-sent",
        "remove_tags": "waiting-merchant",
    },
    "Dana dikembalikan: kabari pelanggan dan tunggu": {
        "language": "id",
        "queue": "refunds",
        "description": (
            "Pengembalian dana dari merchant sudah dikirim: kabari pelanggan, lalu tunggu "
            "konfirmasinya."
        ),
        "reply_kind": "public",
        "reply_body": (
            "Halo Kak {customer_name}, kabar baik: pengembalian dana untuk {reference} sudah kami"
            " kirim. Dana masuk ke saldo dalam 1-3 hari kerja (7-14 hari kerja ke kartu bank). "
            "Balas di sini kalau sampai saat itu belum masuk ya.\n\n{agent_name}"
        ),
        "set_status": "pending_customer",
        "set_priority": 3,
        "assign": "me",
        "add_tags": "refund-sent",
        "remove_tags": "waiting-merchant",
    },
    "Ask for the transaction reference": {
        "language": "en",
        "queue": None,
        "description": "Ask for the TRX reference and wait for the customer.",
        "reply_kind": "public",
        "reply_body": (
            "Hi {customer_name}, to check {reference} we need the transaction reference: open "
            "History in the app, tap the payment and copy the ID that starts with TRX. Please "
            "never send us your PIN or OTP code.\n\n{agent_name}"
        ),
        "set_status": "pending_customer",
        "set_priority": None,
        "assign": "",
        "add_tags": "needs-trx",
        "remove_tags": "",
    },
    "Minta ID transaksi": {
        "language": "id",
        "queue": None,
        "description": "Minta ID transaksi (TRX) dan tunggu balasan pelanggan.",
        "reply_kind": "public",
        "reply_body": (
            "Halo Kak {customer_name}, untuk mengecek {reference} kami perlu ID transaksinya: "
            "buka Riwayat di aplikasi, pilih transaksinya, lalu salin ID yang diawali TRX. Mohon "
            "jangan pernah mengirimkan PIN atau kode OTP.\n\n{agent_name}"
        ),
        "set_status": "pending_customer",
        "set_priority": None,
        "assign": "",
        "add_tags": "needs-trx",
        "remove_tags": "",
    },
    "索取交易单号": {
        "language": "zh-hans",
        "queue": None,
        "description": "请客户提供交易单号,并等待回复。",
        "reply_kind": "public",
        "reply_body": (
            "{customer_name} 您好,为了核实 {reference},请在应用的“交易记录”中找到该笔交易,复制以 TRX "
            "开头的交易单号发给我们。请不要向任何人提供您的 PIN 码或验证码。\n\n{agent_name}"
        ),
        "set_status": "pending_customer",
        "set_priority": None,
        "assign": "",
        "add_tags": "needs-trx",
        "remove_tags": "",
    },
    "Escalate to the bank team (note)": {
        "language": "",
        "queue": "payments",
        "description": "An internal note, urgent priority, back to the queue for the bank team.",
        "reply_kind": "internal",
        "reply_body": (
            "Needs the bank team: the customer's payment left their balance but the merchant has "
            "no record. {agent_name}"
        ),
        "set_status": "on_hold",
        "set_priority": 4,
        "assign": "nobody",
        "add_tags": "bank-check",
        "remove_tags": "",
    },
}

# The brand of the demo (the admin's Brand page): a wallet that does not exist, named "example
# wallet" in each language, with addresses under .example and a Jakarta number no line has (no
# subscriber number there starts with 0).
DEMO_BRAND = {
    "name": "Dompet Contoh",
    "name_en": "Example Wallet",
    "name_zh_hans": "示例钱包",
    "primary_colour": "#0f766e",
    "support_email": "bantuan@dompet-contoh.example",
    "hotline": "+622101234567",
    "website": "https://dompet-contoh.example",
    "app_chat_path": "Profil › Bantuan › Chat",
    "app_chat_path_en": "Profile › Help › Chat",
    "app_chat_path_zh_hans": "我的 › 帮助 › 在线客服",
    "social_accounts": "Instagram @dompetcontoh.demo\nX @dompetcontoh_demo",
}
