"""A realistic demo catalog for ``make run``: products in five languages, services with forms.

The products are made from curated building blocks (one per language: a
category, a producer, items with their technical text, variants), so the
search can be tried in Italian, German, Polish, Ukrainian and English, with
accents and Cyrillic. The same blocks feed the synthetic generator
(synthetic.py). Loading goes through the catalog's own use cases and is
idempotent: products are upserted by article code, services made only once.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

SHOWCASES = ("Novità", "Offerte", "Bestseller", "Made in Europe")
IMAGE_BASE = "https://img.sportello.example/products"


@dataclass(frozen=True)
class Block:
    """One language's share of the catalog."""

    prefix: str
    vat_rate: str
    category: str
    producers: tuple[str, ...]
    items: tuple[tuple[str, str], ...]  # (name, technical description)
    variants: tuple[str, ...]
    details: tuple[str, ...]  # extra sentences for longer synthetic descriptions
    price_range: tuple[int, int]


BLOCKS = (
    Block("IT", "22.00", "Utensili elettrici", ("Utensili Ferretti", "Officine Città di Castello"), (
        ("Trapano avvitatore", "Trapano avvitatore con mandrino autoserrante da 13 mm, frizione a 21 posizioni e luce LED."),
        ("Smerigliatrice angolare", "Smerigliatrice per taglio e sbavatura di metallo e pietra, disco da 125 mm, avviamento progressivo."),
        ("Seghetto alternativo", "Seghetto con movimento pendolare a quattro livelli, taglio inclinato fino a 45°, perché la precisione conta."),
        ("Levigatrice orbitale", "Levigatrice con aspirazione della polvere e platorello da 150 mm; velocità regolabile."),
        ("Pistola termica", "Pistola ad aria calda per sverniciare e saldare tubi in PVC, due livelli di temperatura fino a 600 °C."),
        ("Caffettiera elettrica", "Caffettiera per caffè espresso, tre tazze, spegnimento automatico: il caffè dell'officina."),
    ), ("compatto", "professionale", "a batteria 18 V", "con valigetta", "per legno", "per metallo", "edizione città",
        "leggero", "ad alta velocità", "silenzioso"), (
        "Impugnatura ergonomica rivestita in gomma antiscivolo.", "Garanzia di tre anni con registrazione del prodotto.",
        "Adatto a lavori di ristrutturazione e falegnameria.", "Batteria agli ioni di litio con indicatore di carica.",
    ), (25, 400)),
    Block("DE", "19.00", "Gartengeräte", ("Schäfer & Söhne", "Ökowerk GmbH"), (
        ("Rasenmäher", "Ökologisch hergestellter Rasenmäher mit Mulchfunktion, Schnittbreite 42 cm, Größe des Fangkorbs 50 l."),
        ("Heckenschere", "Heckenschere mit lasergeschnittenen Messern, Schnittlänge 55 cm, geräuscharm für Wohngebiete."),
        ("Laubbläser", "Laubbläser und -sauger mit Häcksler, Luftgeschwindigkeit bis 270 km/h, für große Gärten."),
        ("Gießkanne", "Gießkanne aus recyceltem Kunststoff, Fassungsvermögen 10 l, abnehmbarer Brausekopf."),
        ("Hochdruckreiniger", "Hochdruckreiniger für Terrasse und Fahrzeug, 130 bar, Schlauchtrommel und Flächenreiniger."),
        ("Gartenschere", "Gartenschere mit Amboss-Schneide für trockenes Holz bis 20 mm Durchmesser; rostfreier Stahl."),
    ), ("mit Akku", "kabellos", "für große Gärten", "ökologisch", "Profi", "kompakt", "Größe L", "mit Zubehör",
        "leise", "Grün"), (
        "Geprüfte Sicherheit, CE-gekennzeichnet.", "Ersatzteile zehn Jahre lang lieferbar.",
        "Verpackung aus Altpapier, plastikfrei.", "Bedienungsanleitung auf Deutsch und Italienisch.",
    ), (15, 650)),
    Block("PL", "23.00", "Farby i lakiery", ("Zakłady Chemiczne Łódź", "Narzędzia Żuraw"), (
        ("Farba akrylowa", "Szybkoschnąca farba akrylowa do wnętrz, wydajność 12 m²/l, łatwe czyszczenie pędzli wodą."),
        ("Lakier bezbarwny", "Lakier do drewna i podłóg, odporny na ścieranie, matowy lub z połyskiem."),
        ("Emalia do metalu", "Emalia antykorozyjna na rdzę, do bram, ogrodzeń i balustrad; schnie w 4 godziny."),
        ("Pędzel płaski", "Pędzel z naturalnego włosia do farb olejnych i lakierów, szerokość 50 mm."),
        ("Wałek malarski", "Wałek z mikrofibry do gładkich ścian, nie chlapie, rączka z gwintem."),
        ("Grunt głęboko penetrujący", "Grunt wzmacniający chłonne podłoża przed malowaniem, zużycie 0,1 l/m²."),
    ), ("żółć kadmowa", "zieleń szmaragdowa", "błękit pruski", "czerń żelazowa", "biel tytanowa", "źdźbło trawy",
        "czerwień wiśniowa", "szarość gołębia", "brąz orzechowy", "róż pudrowy"), (
        "Produkt bezpieczny dla dzieci po wyschnięciu.", "Zgodny z normą PN-EN 13300.",
        "Niska zawartość lotnych związków organicznych.", "Wyprodukowano w Polsce.",
    ), (9, 180)),
    Block("UA", "20.00", "Оптика", ("Арсенал-Оптика", "Київська оптична майстерня"), (
        ("Телескоп рефрактор", "Оптичний телескоп для початківців, об'єктив 70 мм, азимутальне монтування, чохол у комплекті."),
        ("Бінокль", "Бінокль з просвітленою оптикою, збільшення 10×, захист від вологи, ремінь на шию."),
        ("Мікроскоп шкільний", "Мікроскоп з LED-підсвічуванням, збільшення до 640×, набір готових препаратів."),
        ("Лупа настільна", "Настільна лупа з підсвічуванням та гнучким тримачем, зручна для ремонту та рукоділля."),
        ("Підзорна труба", "Підзорна труба для спостереження за птахами, збільшення 20–60×, штатив у комплекті."),
        ("Далекомір лазерний", "Лазерний далекомір до 800 м, вимірювання швидкості та кута нахилу, захист IP54."),
    ), ("для дітей", "професійний", "компактний", "з штативом", "нічний", "подарунковий", "туристичний",
        "з чохлом", "синій", "чорний"), (
        "Інструкція українською мовою.", "Гарантія два роки.",
        "Оптика з багатошаровим просвітленням.", "Легкий корпус з ударостійкого пластику.",
    ), (20, 900)),
    Block("EN", "22.00", "Office supplies", ("Northwind Supplies", "Harbour & Pike Ltd"), (
        ("Heavy-duty stapler", "Stapler for up to 100 sheets, all-metal mechanism, takes 23/8 to 23/13 staples."),
        ("Paper shredder", "Cross-cut shredder, security level P-4, 20 l bin, shreds staples and credit cards."),
        ("LED desk lamp", "Dimmable desk lamp with adjustable colour temperature and a USB charging port."),
        ("Label printer", "Thermal label printer for 12 mm tape, QWERTY keyboard, prints barcodes."),
        ("Ergonomic office chair", "Office chair with lumbar support, breathable mesh back, adjustable armrests."),
        ("Whiteboard", "Magnetic whiteboard with aluminium frame and pen tray, 90 × 60 cm."),
    ), ("black", "white", "compact", "professional", "recycled", "wireless", "XL", "starter kit", "blue", "silver"), (
        "Ships in recyclable packaging.", "Two-year manufacturer's warranty.",
        "Spare parts and refills available.", "Tested for daily office use.",
    ), (5, 450)),
)


def _price(rng: random.Random, block: Block) -> Decimal:
    low, high = block.price_range
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def product_row(rng: random.Random, block: Block, code: str, item: int, variant: int, detail_sentences: int = 0) -> dict:
    """An import row (same shape as a line of an import file)."""
    name, description = block.items[item]
    details = " ".join(rng.sample(block.details, detail_sentences)) if detail_sentences else ""
    return {
        "code": code,
        "name": f"{name} {block.variants[variant]}",
        "technical_description": f"{description} {details}".strip(),
        "producer": block.producers[(item + variant) % len(block.producers)],
        "categories": [block.category],
        "showcases": [SHOWCASES[(item + variant) % len(SHOWCASES)]] if (item + variant) % 3 == 0 else [],
        "price": {"amount": str(_price(rng, block)), "currency": "EUR"},
        "vat_rate": block.vat_rate,
        "stock_status": ("in_stock", "in_stock", "low_stock", "out_of_stock", "on_order")[(item * 7 + variant) % 5],
        "thumbnail_url": f"{IMAGE_BASE}/{code}/thumb.jpg",
        "image_urls": [f"{IMAGE_BASE}/{code}/1.jpg", f"{IMAGE_BASE}/{code}/2.jpg"],
    }


def demo_products() -> list[dict]:
    """Every item of every block in every variant: 5 x 6 x 10 = 300 products, always the same."""
    rng = random.Random(2026)
    return [
        product_row(rng, block, f"{block.prefix}-{item + 1:02d}{variant:02d}", item, variant, detail_sentences=1)
        for block in BLOCKS for item in range(len(block.items)) for variant in range(len(block.variants))
    ]


def demo_services() -> list[dict]:
    """Service commands of both pricing kinds, each with an order form."""
    address = {"name": "address", "label": "Indirizzo / Address", "type": "text", "required": True, "max_length": 200}
    when = {"name": "preferred_date", "label": "Data preferita / Preferred date", "type": "date", "required": True}
    notes = {"name": "notes", "label": "Note", "type": "text", "max_length": 1000}
    return [
        {"category": "Installazione e montaggio", "name": "Montaggio a domicilio", "pricing": "fixed",
         "price": {"amount": "49.00", "currency": "EUR"}, "vat_rate": "22.00",
         "description": "Un tecnico monta a casa vostra l'utensile o il mobile acquistato.",
         "form": [address, when, {"name": "floor", "label": "Piano", "type": "number", "min": 0, "max": 30}, notes]},
        {"category": "Installazione e montaggio", "name": "Taratura telescopio", "pricing": "fixed",
         "price": {"amount": "35.00", "currency": "EUR"}, "vat_rate": "22.00",
         "description": "Collimazione e allineamento del cercatore, in laboratorio.",
         "form": [{"name": "model", "label": "Modello", "type": "text", "required": True, "max_length": 100},
                  {"name": "mount", "label": "Montatura", "type": "choice", "required": True,
                   "choices": ["altazimutale", "equatoriale"]}]},
        {"category": "Wartung und Reparatur", "name": "Rasenmäher-Inspektion", "pricing": "fixed",
         "price": {"amount": "59.90", "currency": "EUR"}, "vat_rate": "19.00",
         "description": "Messer schärfen, Ölwechsel, Zündkerze prüfen; Größe des Geräts egal.",
         "form": [{"name": "engine", "label": "Antrieb", "type": "choice", "required": True,
                   "choices": ["Benzin", "Akku", "Elektro"]}, when]},
        {"category": "Progettazione", "name": "Progetto impianto di irrigazione", "pricing": "quote",
         "vat_rate": "22.00", "description": "Sopralluogo e progetto su misura; il preventivo arriva entro 48 ore.",
         "form": [{"name": "area_m2", "label": "Superficie (m²)", "type": "number", "required": True,
                   "min": 10, "max": 100000},
                  {"name": "garden", "label": "Tipo di giardino", "type": "choice",
                   "choices": ["prato", "orto", "misto"]}, address, notes]},
        {"category": "Progettazione", "name": "Doradztwo kolorystyczne", "pricing": "quote", "vat_rate": "23.00",
         "description": "Dobór kolorów ścian i wykończeń; wycena po rozmowie z projektantem.",
         "form": [{"name": "rooms", "label": "Liczba pomieszczeń", "type": "number", "required": True, "min": 1,
                   "max": 50}, notes]},
        {"category": "Wartung und Reparatur", "name": "Ремонт оптики", "pricing": "quote", "vat_rate": "20.00",
         "description": "Чистка та юстування біноклів і телескопів; ціну повідомимо після огляду.",
         "form": [{"name": "device", "label": "Прилад", "type": "choice", "required": True,
                   "choices": ["бінокль", "телескоп", "мікроскоп"]}, notes]},
    ]


def load_demo_catalog(database_url: str) -> list[str]:
    """Load the demo catalog into the catalog database; returns lines for the person who ran it."""
    from sqlalchemy.orm import sessionmaker

    from services.catalog import usecases
    from services.catalog.adapters.repositories import Services
    from services.catalog.schemas import EVENT_SCHEMAS, NewService
    from services.chassis.database import UnitOfWork, make_engine
    from services.chassis.domain import utcnow

    engine = make_engine(database_url)
    uow = UnitOfWork(sessionmaker(engine, expire_on_commit=False), EVENT_SCHEMAS)
    try:
        summary = usecases.import_products(uow, enumerate(demo_products(), start=1), utcnow)
        if summary["rejected"]:
            raise RuntimeError(f"demo products rejected: {summary['rejected'][:3]}")
        made = 0
        if Services(uow.session).count() == 0:
            for command in demo_services():
                usecases.create_service(uow, NewService().load(command), utcnow)
                made += 1
    finally:
        uow.close()
        engine.dispose()
    return [f"  catalog: {summary['created'] + summary['updated']} products "
            f"({summary['created']} new), {made} services new; try /api/v1/catalog/products?q=zolc"]
