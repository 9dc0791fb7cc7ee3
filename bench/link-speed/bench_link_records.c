/* bench_link_records: end-to-end record linkage on generated person records (issue 7 item 8),
 * every figure with a ratio against a baseline measured in the same run.
 *
 * 1. Party A: N persons (given name, surname, sex, birth date 1950-2010, citizenship, a phone for
 *    60%) drawn from built-in frequency lists of four regions (West African, East European,
 *    South-East Asian, Arabic in Latin transliteration; Zipf-like ranks), part of the names built
 *    from a root and an ending (the long tail real names have), deterministic seed. The rate of
 *    namesakes (two persons with all names equal) is printed: it decides the false matches.
 *    Party B: for a share (default 0.5) of A's persons, chosen at random, a corrupted copy
 *    (FEBRL-style: 0-4 modifications a record, each a typo in a name -- insert, delete,
 *    substitute, transpose --, a nickname or transliteration variant, a swapped day and month or
 *    a mistyped date digit, a missing field, a changed phone digit, another sex or citizenship);
 *    new persons for the rest, at random positions. The truth is known by construction.
 * 2. Both parties encoded with link_encode_record (an unbalanced 1024-bit schema: given name 200
 *    bits, surname 200, birth date 200 positional, sex 40, citizenship 60, phone 80), on all CPUs
 *    (pthreads), timed.
 * 3. For each threshold (0.8 and 0.75 unless --threshold): link_match 1-to-1 with LSH blocking on
 *    all CPUs: time, comparisons, precision and recall of the true pairs; baseline: the exact
 *    matcher (no blocking) on a sample of A's records against all of B in the same run, its time
 *    extrapolated to N and its recall and precision on the sample.
 *    When more than LINK_PAIRS_MAX pairs pass the threshold, A is matched in slices (--slices K,
 *    doubled on STATUS_TOO_LARGE), each 1-to-1, then a greedy 1-to-1 pass over their union.
 * Usage: bench_link_records [--records N] [--threshold T] [--seed S] [--sample S] [--share F]
 *        [--slices K] [--baseline-only] (defaults 1000000, 0.8 and 0.75, 1, 2000, 0.5, 1). */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "link/clk.h"
#include "link/link.h"
#include "link/match.h"
#include "link/schema.h"
#include "util/mem.h"
#include "vault/vault.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- randomness: splitmix64 ---- */

static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double unif(uint64_t *s)
{
    return (double)(rnd(s) >> 11) / 9007199254740992.0;
}

static size_t below(uint64_t *s, size_t n)
{
    return (size_t)(unif(s) * (double)n);
}

/* ---- frequency lists. An entry is "spelling|variant|variant": A uses the first spelling; a
 * corrupted copy may use a variant (a nickname or another transliteration). Ranks follow the
 * list's order, with Zipf-like weights 1/(rank+1)^0.9. ---- */

enum { REG_WAF, REG_EEU, REG_SEA, REG_ARB, REGIONS };

static const double region_share[REGIONS] = {0.30, 0.25, 0.25, 0.20};

static const char *const given_m[REGIONS][72] = {
    [REG_WAF] = {"Mamadou|Mamadu",
                 "Ibrahim|Ibrahima|Brahim",
                 "Abdoulaye|Abdulai|Abdullahi",
                 "Moussa|Musa",
                 "Ousmane|Usman|Usmane",
                 "Chukwuemeka|Emeka",
                 "Oluwaseun|Seun",
                 "Adebayo|Bayo",
                 "Kwame",
                 "Kofi",
                 "Yaw",
                 "Kwabena|Kobby",
                 "Samuel|Sam",
                 "Emmanuel|Emma|Emanuel",
                 "Daniel|Dan",
                 "Seydou|Seidu",
                 "Boubacar|Bubakar",
                 "Amadou|Ahmadu",
                 "Souleymane|Suleiman|Sulemana",
                 "Oluwafemi|Femi",
                 "Babatunde|Tunde",
                 "Chinedu|Nedu",
                 "Ikechukwu|Ike",
                 "Lamine|Alamine",
                 "Cheikh|Sheikh",
                 "Modou|Modu",
                 "Sekou|Seku",
                 "Idrissa|Idris",
                 "Yakubu|Yacouba",
                 "Adama",
                 "Issa|Isa",
                 "Godwin",
                 "Prince",
                 "Blessing",
                 "Ebenezer|Ebo",
                 "Yusuf|Youssouf|Yusufu",
                 "Bakary|Bakari",
                 "Ansumana|Ansu",
                 "Nnamdi",
                 "Tochukwu|Tochi",
                 NULL},
    [REG_EEU] = {"Oleksandr|Aleksandr|Alexander|Sasha",
                 "Serhii|Sergei|Sergey|Serhiy",
                 "Dmytro|Dmitri|Dmitry",
                 "Andrii|Andrei|Andriy",
                 "Volodymyr|Vladimir|Volodya",
                 "Mykola|Nikolai|Nikolay",
                 "Ivan|Vanya",
                 "Yurii|Yuri|Yuriy",
                 "Vasyl|Vasili|Vasily",
                 "Oleh|Oleg",
                 "Ion|Ioan",
                 "Vasile",
                 "Gheorghe|George",
                 "Mihai|Mihail",
                 "Constantin|Costel",
                 "Alexandru|Alex",
                 "Nicolae|Nicu",
                 "Dumitru|Dumitrascu",
                 "Ivaylo|Ivailo",
                 "Georgi|Georgy",
                 "Dimitar|Dimitr",
                 "Stoyan|Stoian",
                 "Arben",
                 "Besnik",
                 "Artan",
                 "Gentian|Genti",
                 "Ilir",
                 "Pavlo|Pavel",
                 "Maksym|Maxim|Maksim",
                 "Artem|Artyom",
                 "Viktor|Victor",
                 "Yevhen|Evgeny|Yevgeniy|Zhenya",
                 "Bohdan|Bogdan",
                 "Taras",
                 "Roman",
                 "Anatolii|Anatoly",
                 "Igor|Ihor",
                 "Petro|Pyotr|Petr",
                 "Stefan|Stepan",
                 "Radu",
                 NULL},
    [REG_SEA] = {"Van Minh|Minh",
                 "Van Hung|Hung",
                 "Van Nam|Nam",
                 "Duc Anh|Anh",
                 "Quang Huy|Huy",
                 "Thanh Tung|Tung",
                 "Somchai|Somchay",
                 "Somsak|Somsuck",
                 "Prasert|Prasoet",
                 "Sombat|Sombut",
                 "Anan",
                 "Kittisak",
                 "Sophal|Sophall",
                 "Sokha|Sokhar",
                 "Dara|Darra",
                 "Vannak|Vanak",
                 "Pisey",
                 "Aung|Aung Aung",
                 "Kyaw|Kyaw Kyaw",
                 "Zaw|Zaw Zaw",
                 "Min Thu|Minthu",
                 "Htet|Htet Htet",
                 "Juan|Johnny",
                 "Jose|Joseph|Pepe",
                 "Mark|Marc",
                 "John Paul|JP",
                 "Jerome|Jerry",
                 "Ronaldo|Ronald",
                 "Budi|Boedi",
                 "Agus|Agoes",
                 "Eko|Echo",
                 "Dedi|Dedy",
                 "Rizki|Rizky|Riski",
                 "Bounmy|Bounmi",
                 "Khamphan|Khampan",
                 "Phet|Pheth",
                 "Nguyen Van|Van",
                 "Tuan|Tuann",
                 "Long",
                 "Bao|Bau",
                 NULL},
    [REG_ARB] = {"Mohammed|Muhammad|Mohamed|Mohammad|Mohamad",
                 "Ahmed|Ahmad|Ahmet",
                 "Ali|Aly",
                 "Omar|Umar|Omer",
                 "Mahmoud|Mahmud|Mahmood",
                 "Mustafa|Mostafa|Moustafa",
                 "Hassan|Hasan|Hassane",
                 "Hussein|Husayn|Hussain|Hossein",
                 "Khaled|Khalid|Khalad",
                 "Abdullah|Abdallah|Abdulla",
                 "Youssef|Yusuf|Yousef|Joseph",
                 "Ibrahim|Ebrahim|Brahim",
                 "Said|Saeed|Saied|Sayed",
                 "Karim|Kareem",
                 "Tarek|Tariq|Tareq",
                 "Walid|Waleed",
                 "Jamal|Gamal",
                 "Nabil|Nabeel",
                 "Samir|Sameer",
                 "Rami|Ramy",
                 "Ayman|Aiman",
                 "Bilal|Belal",
                 "Hamza|Hamzah",
                 "Anas|Annas",
                 "Yasser|Yasir|Yassir",
                 "Faisal|Faysal|Fayssal",
                 "Adel|Adil|Adl",
                 "Majid|Majed|Magid",
                 "Osama|Usama|Oussama",
                 "Salah|Salaheddine",
                 "Abdelrahman|Abdulrahman|Abderrahmane",
                 "Abdelkader|Abdulqadir|Abdul Qader",
                 "Ismail|Ismael|Esmail",
                 "Marwan|Marouane",
                 "Nasser|Nasir",
                 "Hisham|Hicham",
                 "Jihad|Gihad",
                 "Ziad|Zyad|Ziyad",
                 "Fadi|Fady",
                 "Wael|Wail",
                 NULL},
};

static const char *const given_f[REGIONS][72] = {
    [REG_WAF] = {"Aminata|Amina|Ami",
                 "Fatoumata|Fatou|Fatuma|Fatimata",
                 "Mariama|Mariam|Mariame",
                 "Aissatou|Aisha",
                 "Kadiatou|Kadija|Khadija",
                 "Ngozi",
                 "Chioma",
                 "Blessing",
                 "Precious",
                 "Grace",
                 "Abena",
                 "Akosua",
                 "Ama",
                 "Efua|Effua",
                 "Adwoa|Adjoa",
                 "Oluwakemi|Kemi",
                 "Folasade|Sade",
                 "Oluwabunmi|Bunmi",
                 "Adaeze|Ada",
                 "Chiamaka|Amaka",
                 "Nneka|Neka",
                 "Awa|Ava",
                 "Binta|Bintou",
                 "Hawa|Hawwa",
                 "Ramatoulaye|Rama",
                 "Kadidja|Kadi",
                 "Ndeye|Ndey",
                 "Coumba|Kumba",
                 "Salimata|Sali",
                 "Mariatou|Maria",
                 "Esther|Ester",
                 "Comfort",
                 "Patience",
                 "Mercy",
                 "Joy",
                 "Gifty|Gift",
                 "Ruth",
                 "Janet|Jenny",
                 "Funmilayo|Funmi",
                 "Yetunde|Yetty",
                 NULL},
    [REG_EEU] = {"Olena|Elena|Helen|Lena",
                 "Natalia|Natalya|Nataliia|Natasha",
                 "Iryna|Irina|Ira",
                 "Tetiana|Tatiana|Tatyana|Tanya",
                 "Svitlana|Svetlana|Sveta",
                 "Yuliia|Yulia|Julia|Yuliya",
                 "Oksana|Oxana",
                 "Mariia|Maria|Mariya|Masha",
                 "Anastasiia|Anastasia|Nastya",
                 "Kateryna|Ekaterina|Katya",
                 "Liudmyla|Lyudmila|Luda",
                 "Halyna|Galina|Galya",
                 "Viktoriia|Viktoria|Victoria|Vika",
                 "Alina|Alena",
                 "Daria|Darya|Dasha",
                 "Ana|Anna",
                 "Elena|Ilinca",
                 "Ioana|Ionela",
                 "Andreea|Andrea",
                 "Mihaela|Mihaella",
                 "Cristina|Kristina",
                 "Gabriela|Gabi",
                 "Nadezhda|Nadia|Nadiia",
                 "Desislava|Desi",
                 "Tsvetelina|Tsveti",
                 "Ivanka|Ivanca",
                 "Albana|Alba",
                 "Elona|Ilona",
                 "Klajdi|Klaudia",
                 "Ornela|Ornella",
                 "Valentyna|Valentina|Valya",
                 "Larysa|Larisa",
                 "Khrystyna|Kristina|Khristina",
                 "Sofiia|Sofia|Sophia",
                 "Polina|Paulina",
                 "Veronika|Veronica",
                 "Diana|Dayana",
                 "Ludmila|Lidia",
                 "Inna|Ina",
                 "Zoriana|Zoryana",
                 NULL},
    [REG_SEA] = {"Thi Lan|Lan",
                 "Thi Hoa|Hoa",
                 "Thi Mai|Mai",
                 "Thi Huong|Huong",
                 "Thi Thu|Thu",
                 "Ngoc Anh|Anh",
                 "Thi Hang|Hang",
                 "Thi Linh|Linh",
                 "Siriporn|Siripon",
                 "Malee|Mali",
                 "Somsri|Somsree",
                 "Nong|Noi",
                 "Pranee|Pranie",
                 "Kanya|Kanyah",
                 "Srey Mom|Sreymom",
                 "Sokunthea|Thea",
                 "Channary|Chanary",
                 "Bopha|Bophar",
                 "Sopheap|Sopheab",
                 "Thida|Theda",
                 "Khin|Khin Khin",
                 "Nwe|Nwe Nwe",
                 "Hnin|Hnin Hnin",
                 "Su Su|Susu",
                 "Maria|Ma",
                 "Maricel|Marisel",
                 "Rosalie|Rosaly",
                 "Jocelyn|Joy",
                 "Mary Grace|Grace",
                 "Lorna|Lorena",
                 "Siti|Sity",
                 "Dewi|Devi",
                 "Sri|Shri",
                 "Nur|Noor",
                 "Ayu|Ayou",
                 "Putri|Putry",
                 "Vilayvanh|Vilay",
                 "Phonesavanh|Phone",
                 "Noy|Noi",
                 "Kham|Kam",
                 NULL},
    [REG_ARB] = {"Fatima|Fatma|Fatimah|Fatme",
                 "Aisha|Aicha|Ayesha|Aysha",
                 "Maryam|Mariam|Meriem|Mariem",
                 "Khadija|Khadidja|Khadeeja|Kadija",
                 "Zainab|Zaynab|Zeinab",
                 "Nour|Noor|Nur",
                 "Sara|Sarah",
                 "Amina|Amineh|Ameena",
                 "Layla|Leila|Laila|Leyla",
                 "Huda|Houda|Hoda",
                 "Rania|Ranya",
                 "Yasmin|Yasmine|Jasmin",
                 "Salma|Selma",
                 "Hanan|Hanane",
                 "Samira|Sameera",
                 "Rasha|Racha",
                 "Dina|Deena",
                 "Noura|Nora|Nura",
                 "Asma|Asmaa",
                 "Iman|Imane|Eman",
                 "Lina|Leena",
                 "Hala|Halla",
                 "Rim|Reem|Rima",
                 "Ghada|Rhada",
                 "Suad|Souad|Soad",
                 "Nadia|Nadiya",
                 "Hiba|Heba",
                 "Malak|Malek",
                 "Mona|Muna",
                 "Aya|Ayah",
                 "Safaa|Safa",
                 "Wafaa|Wafa",
                 "Dalia|Dalya",
                 "Najwa|Nagwa",
                 "Ruqayya|Roqaya|Rukaya",
                 "Khawla|Khaoula",
                 "Sumaya|Soumaya|Sumayyah",
                 "Bushra|Boushra",
                 "Hajar|Hagar|Hadjer",
                 "Widad|Wedad",
                 NULL},
};

static const char *const surnames[REGIONS][72] = {
    [REG_WAF] = {"Diallo|Jallow|Djalo",
                 "Traore|Trawally",
                 "Toure|Touray",
                 "Keita|Keyta",
                 "Coulibaly|Kulibali",
                 "Camara|Kamara",
                 "Sow|Sowe",
                 "Ba|Bah",
                 "Ndiaye|N'Diaye|Njie",
                 "Sylla|Silla",
                 "Cisse|Sisay",
                 "Kone|Konneh",
                 "Sangare|Sanogo",
                 "Okafor|Okafo",
                 "Okeke|Okekeh",
                 "Eze|Ezeh",
                 "Nwosu|Nwosuh",
                 "Adeyemi|Adeyemmi",
                 "Ogunleye|Ogunlei",
                 "Oladipo|Oladipoh",
                 "Balogun|Balogunn",
                 "Mensah|Mensa",
                 "Asante|Ashanti",
                 "Owusu|Owusuh",
                 "Boateng|Boakye",
                 "Osei|Oseih",
                 "Appiah|Apiah",
                 "Addo|Ado",
                 "Danso|Dansoh",
                 "Abubakar|Aboubacar|Boubakar",
                 "Bello|Belo",
                 "Musa|Moussa",
                 "Sesay|Sessay",
                 "Bangura|Bangoura",
                 "Conteh|Conte",
                 "Kanu|Kanuh",
                 "Fofana|Fofanah",
                 "Diarra|Jarra",
                 "Doumbia|Dumbuya",
                 "Barry|Bari",
                 "Dembele|Dembélé",
                 "Sall|Sal",
                 "Faye|Fay",
                 "Gueye|Gaye",
                 "Diop|Jobe",
                 "Sarr|Sarr",
                 "Mbaye|M'Baye",
                 "Obi|Obih",
                 "Chukwu|Chukwuh",
                 "Adebayo|Adebayor",
                 "Okonkwo|Okonko",
                 "Ibrahim|Ibrahima",
                 "Quaye|Quaie",
                 "Tetteh|Teteh",
                 "Agyeman|Agyemang",
                 "Ansah|Ansa",
                 "Yeboah|Yeboa",
                 "Koroma|Korouma",
                 "Jalloh|Diallo",
                 "Kargbo|Kagbo",
                 NULL},
    [REG_EEU] = {"Melnyk|Melnik|Melnichuk",
                 "Shevchenko|Shevchenco|Sevcenko",
                 "Bondarenko|Bondarenco",
                 "Kovalenko|Kovalenco|Kowalenko",
                 "Boiko|Boyko|Boico",
                 "Tkachenko|Tkacenko",
                 "Kravchenko|Kravcenko",
                 "Kovalchuk|Kowalczuk|Kovalciuc",
                 "Oliinyk|Oleinik|Oliynyk",
                 "Shevchuk|Sevciuc",
                 "Koval|Kowal|Koval'",
                 "Polishchuk|Polischuk",
                 "Ivanov|Ivanoff",
                 "Smirnov|Smirnoff",
                 "Kuznetsov|Kuznetsoff|Kusnezow",
                 "Popov|Popoff",
                 "Petrov|Petroff",
                 "Volkov|Volkoff",
                 "Sokolov|Sokoloff",
                 "Morozov|Morosow",
                 "Popa|Pop",
                 "Popescu|Popesku",
                 "Rusu|Russu",
                 "Ciobanu|Ceban|Chiobanu",
                 "Munteanu|Muntean",
                 "Cojocaru|Cojocari",
                 "Lungu|Lungo",
                 "Ionescu|Ionesco",
                 "Stan|Stanu",
                 "Dumitru|Dumitrescu",
                 "Rotaru|Rotari",
                 "Ceban|Cheban",
                 "Ivanova|Ivanowa",
                 "Petrova|Petrowa",
                 "Georgieva|Georgiewa",
                 "Dimitrova|Dimitrowa",
                 "Nikolov|Nikoloff",
                 "Hristov|Christov|Khristov",
                 "Stoyanov|Stoianov",
                 "Todorov|Todoroff",
                 "Hoxha|Hodja|Hoxa",
                 "Shehu|Sheu",
                 "Krasniqi|Krasniki",
                 "Gashi|Gashe",
                 "Berisha|Berishaj",
                 "Kelmendi|Kelmend",
                 "Leka|Lekaj",
                 "Dervishi|Dervishaj",
                 "Marchenko|Marcenko",
                 "Lysenko|Lisenko",
                 "Rudenko|Rudenco",
                 "Savchenko|Savcenko",
                 "Moroz|Morozz",
                 "Pavlenko|Pavlenco",
                 "Kozak|Kosak",
                 "Hrytsenko|Gritsenko",
                 "Zinchenko|Zincenko",
                 "Levchenko|Levcenko",
                 "Klymenko|Klimenko",
                 "Kharchenko|Harchenko",
                 NULL},
    [REG_SEA] = {"Nguyen|Nguyễn|Nguyen Thi",
                 "Tran|Trần",
                 "Le|Lê",
                 "Pham|Phạm|Fam",
                 "Hoang|Huynh|Hoàng",
                 "Phan|Fan",
                 "Vu|Vo|Võ",
                 "Dang|Đặng",
                 "Bui|Bùi",
                 "Do|Đỗ",
                 "Ngo|Ngô",
                 "Duong|Dương",
                 "Saetang|Sae-Tang",
                 "Srisuk|Srisook",
                 "Wongsa|Vongsa",
                 "Chaiyaporn|Chaiyapon",
                 "Rattanakorn|Rattanakon",
                 "Boonmee|Bunmi",
                 "Sukprasert|Sukprasoet",
                 "Kaewkla|Kaewklaa",
                 "Chan|Chann",
                 "Sok|Sokh",
                 "Heng|Hieng",
                 "Kim|Khim",
                 "Keo|Kaew",
                 "Chea|Chear",
                 "Lim|Lym",
                 "Meas|Mes",
                 "Win|Winn",
                 "Oo|U",
                 "Htun|Tun",
                 "Naing|Nai",
                 "Thein|Thain",
                 "Maung|Mg",
                 "Santos|Dos Santos",
                 "Reyes|Reies",
                 "Cruz|De la Cruz",
                 "Bautista|Batista",
                 "Garcia|Garsia",
                 "Mendoza|Mendosa",
                 "Dela Cruz|Delacruz",
                 "Ramos|Ramoz",
                 "Gonzales|Gonzalez",
                 "Villanueva|Villa Nueva",
                 "Santoso|Santosa",
                 "Wijaya|Widjaja",
                 "Saputra|Saputro",
                 "Hidayat|Hidajat",
                 "Susanto|Soesanto",
                 "Kurniawan|Kurniawati",
                 "Setiawan|Setiawati",
                 "Phommachanh|Phommachan",
                 "Vongsavath|Vongsavat",
                 "Sisouphanh|Sisouphan",
                 "Keomany|Keomani",
                 "Inthavong|Intavong",
                 "Sengdara|Sengdala",
                 "Ly|Lee|Li",
                 "Truong|Trương",
                 "Dinh|Đinh",
                 NULL},
    [REG_ARB] = {"Al-Hassan|Alhassan|El Hassan|Hassan",
                 "Al-Ahmad|Alahmad|El Ahmad",
                 "Mohamed|Mohammed|Muhammad",
                 "Ali|Aly",
                 "Hussein|Husein|Hussain",
                 "Ibrahim|Ebrahim",
                 "Abdallah|Abdullah",
                 "Al-Khatib|Alkhatib|El Khatib",
                 "Haddad|Hadad",
                 "Khalil|Khalel",
                 "Saleh|Salih|Saleh",
                 "Mansour|Mansur|Mansoor",
                 "Nasser|Nasir|Naser",
                 "Youssef|Yousef|Yusuf",
                 "Hamdan|Hamdane",
                 "Darwish|Darwich|Derwish",
                 "Khoury|Khouri|Al-Khoury",
                 "Abbas|Abas",
                 "Suleiman|Sulaiman|Slimane",
                 "Mahmoud|Mahmud",
                 "Othman|Osman|Uthman",
                 "Qasim|Kassem|Kasim",
                 "Hammoud|Hamoud",
                 "Al-Sayed|El Sayed|Elsayed",
                 "Farouk|Faruq|Farouq",
                 "Rahman|Rahmane",
                 "Aziz|Azize",
                 "Karimi|Karimy",
                 "Zaki|Zaky",
                 "Shaker|Shakir",
                 "Al-Masri|Almasri|El Masry",
                 "Al-Tamimi|Tamimi",
                 "Al-Jabouri|Al-Jubouri|Jabouri",
                 "Al-Obaidi|Obaidi",
                 "Al-Zahrani|Zahrani",
                 "Benali|Ben Ali",
                 "Bouazizi|Bouazizi",
                 "El Amrani|Amrani",
                 "Bensalah|Ben Salah",
                 "Mahdi|Mehdi",
                 "Omar|Omer|Umar",
                 "Jaber|Jabir|Gaber",
                 "Sabri|Sabry",
                 "Fathi|Fathy",
                 "Hegazy|Hijazi|Higazi",
                 "Morsi|Mursi",
                 "Shahin|Shaheen",
                 "Badawi|Badawy",
                 "Bakr|Bakir",
                 "Yassin|Yasin|Yaseen",
                 "Taha|Tahaa",
                 "Idris|Idriss|Edris",
                 "Anwar|Anouar",
                 "Haidar|Haydar|Hayder",
                 "Kareem|Karim",
                 "Nouri|Nuri",
                 "Salem|Salim",
                 "Ghanem|Ghanim",
                 "Sharif|Cherif|Sherif",
                 "Rashid|Rachid|Rasheed",
                 NULL},
};

static const char *const citizenships[REGIONS][8] = {
    [REG_WAF] = {"NGA", "GHA", "SEN", "CIV", "MLI", "GIN", "SLE", NULL},
    [REG_EEU] = {"UKR", "MDA", "ROU", "BGR", "ALB", "RUS", "BLR", NULL},
    [REG_SEA] = {"VNM", "THA", "KHM", "MMR", "PHL", "IDN", "LAO", NULL},
    [REG_ARB] = {"SYR", "IRQ", "EGY", "MAR", "SDN", "YEM", "LBY", NULL},
};
static const char *const dial[REGIONS][8] = {
    [REG_WAF] = {"234", "233", "221", "225", "223", "224", "232", NULL},
    [REG_EEU] = {"380", "373", "40", "359", "355", "7", "375", NULL},
    [REG_SEA] = {"84", "66", "855", "95", "63", "62", "856", NULL},
    [REG_ARB] = {"963", "964", "20", "212", "249", "967", "218", NULL},
};

/* Surnames built from parts (root and suffix), for the diversity of real surnames that a list of
 * a few hundred lacks: a share of each region's surnames (Yoruba and Igbo compounds, Ukrainian
 * -enko/-chuk and Romanian -escu/-eanu, Thai compounds, Arabic Al- forms). */
static const double composite_share[REGIONS] = {0.6, 0.6, 0.45, 0.5};
static const char *const sur_roots[REGIONS][48] = {
    [REG_WAF] = {"Ade",  "Olu",  "Oke",  "Chi",  "Nwa",  "Oba", "Ola",  "Ayo", "Ibe", "Eze", "Ogun",
                 "Osa",  "Odu",  "Aki",  "Afo",  "Ama",  "Ony", "Uche", "Oko", "Ige", "Abi", "Aji",
                 "Fola", "Kola", "Bola", "Dayo", "Kayo", "Ojo", "Ani",  "Uzo", NULL},
    [REG_EEU] = {"Kovt",   "Marty", "Honch", "Kyry", "Pryt",  "Dyach", "Fed",  "Hav",  "Dan",  "Sav", "Ost",
                 "Tarasy", "Vasyl", "Petr",  "Step", "Hryh",  "Yakov", "Mart", "Kost", "Lytv", "Pan", "Sych",
                 "Zhur",   "Kuz",   "Rad",   "Barb", "Stoic", "Mor",   "Vlad", "Dobr", NULL},
    [REG_SEA] = {"Sri",    "Suk",   "Chai", "Wong", "Rat",   "Boon", "Kaew", "Thong", "Phon", "Saeng", "Somb",
                 "Prasit", "Jarun", "Wich", "Anan", "Intha", "Chan", "Kham", "Siri",  "Pim",  NULL},
    [REG_ARB] = {"Al-Hash", "Al-Ans",  "Al-Bakr", "Al-Sham", "Al-Rash", "Al-Shar", "Al-Naj",
                 "Al-Qah",  "Al-Azz",  "Al-Hal",  "Al-Kurd", "Al-Mus",  "Al-Had",  "Al-Sab",
                 "Al-Zub",  "Al-Hamd", "Al-Jaz",  "Al-Fakh", "Al-Saad", "Al-Kar",  NULL},
};
static const char *const sur_suffixes[REGIONS][16] = {
    [REG_WAF] = {"bayo", "wale", "yemi", "kunle", "tunde", "dele", "nna", "emeka", "dipo", "femi", "gbemi", "ogu",
                 "nwa", "kwe", NULL},
    [REG_EEU] = {"enko", "chuk", "uk", "ov", "escu", "eanu", "yshyn", "ovych", "ak", "iak", "ets", NULL},
    [REG_SEA] = {"wan", "sak", "porn", "phan", "chai", "sombat", "sri", "rat", "thong", "suk", NULL},
    [REG_ARB] = {"i", "awi", "ani", "ari", "ouri", "adi", "imi", "ali", "ami", NULL},
};

/* Given names built from parts, as many are: Yoruba compounds (Olu+wa+seun, Ade+tunde), the
 * Vietnamese middle and given name (Van Hung, Thi Mai), Arabic Abdel/Abdul + an attribute. */
static const double composite_given_share[2][REGIONS] = {{0.5, 0.0, 0.6, 0.35}, {0.5, 0.0, 0.6, 0.0}};
static const char *const given_roots[REGIONS][24] = {
    [REG_WAF] = {"Olu", "Ade", "Ayo", "Oluwa", "Ola", "Chi", "Kola", "Bola", "Funmi", "Tolu", "Ibu", "Oba", "Ife",
                 "Damo", "Yemi", NULL},
    [REG_SEA] = {"Van ", "Thi ", "Duc ", "Ngoc ", "Minh ", "Thanh ", "Quoc ", "Huu ", "Kim ", "Bao ", "Xuan ", "Hoang ",
                 NULL},
    [REG_ARB] = {"Abdel", "Abdul", NULL},
    [REG_EEU] = {NULL},
};
static const char *const given_endings[REGIONS][32] = {
    [REG_WAF] = {"seun", "femi", "tunde", "kemi", "bunmi", "wale", "dayo", "tobi", "lola", "mide", "nike", "yinka",
                 "dara", "sola", "jide", NULL},
    [REG_SEA] = {"Anh",   "Binh", "Cuong", "Dung", "Hai",    "Hieu",  "Hoa", "Hung", "Khanh",
                 "Linh",  "Long", "Mai",   "Nam",  "Phuong", "Quang", "Son", "Tam",  "Thao",
                 "Trang", "Tuan", "Vy",    "Yen",  "Giang",  "Ha",    NULL},
    [REG_ARB] = {"rahman", "kader", "aziz",  "karim", "latif", "halim",  "majid", "hamid",  "razzaq", "wahab", "salam",
                 "jabbar", "hadi",  "basit", "ghani", "malik", "nasser", "hakim", "fattah", "rauf",   NULL},
    [REG_EEU] = {NULL},
};

#define VARIANTS_MAX 6
#define NAME_BYTES 64

struct entry {
    const char *v[VARIANTS_MAX]; /* v[0] the spelling A uses */
    int nv;
};

struct list {
    struct entry *e;
    double *cum; /* cumulative Zipf weights, cum[n-1] = 1 */
    size_t n;
};

static struct list l_given[2][REGIONS], l_sur[REGIONS], l_root[REGIONS], l_suffix[REGIONS], l_groot[REGIONS],
    l_gend[REGIONS];

static void list_init(struct list *l, const char *const *src)
{
    size_t n = 0;
    while (src[n] != NULL) {
        n++;
    }
    l->n = n;
    l->e = xcalloc(n, sizeof *l->e);
    l->cum = xmalloc(n * sizeof *l->cum);
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        char *p = xstrdup(src[i]); /* kept for the run */
        while (p != NULL && l->e[i].nv < VARIANTS_MAX) {
            l->e[i].v[l->e[i].nv++] = p;
            p = strchr(p, '|');
            if (p != NULL) {
                *p++ = '\0';
            }
        }
        sum += 1.0 / pow((double)(i + 1), 0.7);
        l->cum[i] = sum;
    }
    for (size_t i = 0; i < n; i++) {
        l->cum[i] /= sum;
    }
}

static size_t list_draw(const struct list *l, uint64_t *s)
{
    double u = unif(s);
    size_t lo = 0, hi = l->n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (l->cum[mid] < u) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* ---- persons ---- */

struct person {
    char given[NAME_BYTES];
    char given2[NAME_BYTES]; /* a second given name or the father's name, or "" */
    char sur[NAME_BYTES];
    char dob[12]; /* YYYY-MM-DD, "" missing */
    char sex[2];  /* "F", "M", "" missing */
    char cit[4];
    char phone[20];
    uint8_t region, female;
    uint16_t gi, si; /* list indexes (variants) */
};

static int days_in(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : d[m - 1];
}

/* YYYY-MM-DD of a valid date */
static void date_set(char dob[12], int y, int m, int d)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    memcpy(dob, buf, 10);
    dob[10] = '\0';
}

static void phone_new(struct person *p, uint64_t *s)
{
    size_t c = below(s, 7);
    int n = snprintf(p->phone, sizeof p->phone, "+%s", dial[p->region][c]);
    for (int i = 0; i < 9; i++) {
        p->phone[n++] = (char)('0' + (i == 0 ? 1 + below(s, 9) : below(s, 10)));
    }
    p->phone[n] = '\0';
}

static void person_new(struct person *p, uint64_t *s)
{
    memset(p, 0, sizeof *p);
    double u = unif(s), acc = 0;
    int r = 0;
    for (r = 0; r < REGIONS - 1; r++) {
        acc += region_share[r];
        if (u < acc) {
            break;
        }
    }
    p->region = (uint8_t)r;
    p->female = unif(s) < 0.55; /* identified victims: more women */
    p->gi = (uint16_t)list_draw(&l_given[p->female][r], s);
    if (unif(s) < composite_given_share[p->female][r]) {
        p->gi = UINT16_MAX;
        snprintf(p->given, sizeof p->given, "%s%s", l_groot[r].e[list_draw(&l_groot[r], s)].v[0],
                 l_gend[r].e[list_draw(&l_gend[r], s)].v[0]);
    } else {
        snprintf(p->given, sizeof p->given, "%s", l_given[p->female][r].e[p->gi].v[0]);
    }
    /* a second given name (West Africa, the Philippines), the father's name (Arabic) */
    static const double second[REGIONS] = {0.35, 0.0, 0.15, 0.6};
    if (unif(s) < second[r]) {
        size_t g2 = list_draw(&l_given[r == REG_ARB ? 0 : p->female][r], s);
        snprintf(p->given2, sizeof p->given2, "%s", l_given[r == REG_ARB ? 0 : p->female][r].e[g2].v[0]);
    }
    if (unif(s) < composite_share[r]) {
        p->si = UINT16_MAX;
        snprintf(p->sur, sizeof p->sur, "%s%s", l_root[r].e[list_draw(&l_root[r], s)].v[0],
                 l_suffix[r].e[list_draw(&l_suffix[r], s)].v[0]);
    } else {
        p->si = (uint16_t)list_draw(&l_sur[r], s);
        snprintf(p->sur, sizeof p->sur, "%s", l_sur[r].e[p->si].v[0]);
    }
    strcpy(p->sex, p->female ? "F" : "M");
    /* birth years 1950-2010, younger people more often */
    int y = 2010 - (int)floor(pow(unif(s), 1.6) * 61.0);
    int m = 1 + (int)below(s, 12);
    int d = 1 + (int)below(s, (size_t)days_in(y, m));
    date_set(p->dob, y, m, d);
    /* citizenship: mostly the region's first codes; 3% unknown */
    if (unif(s) >= 0.03) {
        size_t c = list_draw(&(struct list){.cum = (double[]){0.35, 0.55, 0.70, 0.80, 0.88, 0.95, 1.0}, .n = 7}, s);
        strcpy(p->cit, citizenships[r][c]);
    }
    if (unif(s) < 0.6) {
        phone_new(p, s);
    }
}

/* FEBRL-style typos in a string of ASCII letters (the lists are Latin; variants with accents are
 * not typed). */
static const char keyboard_near[] = "qwertyuiopasdfghjklzxcvbnm";

static void typo(char *v, size_t cap, uint64_t *s, bool digits)
{
    size_t n = strlen(v);
    if (n < 2) {
        return;
    }
    size_t at = below(s, n);
    for (int tries = 0; tries < 8 && ((unsigned char)v[at] >= 0x80 || (at + 1 < n && (unsigned char)v[at + 1] >= 0x80));
         tries++) {
        at = below(s, n); /* only ASCII letters are mistyped: the UTF-8 stays valid */
    }
    if ((unsigned char)v[at] >= 0x80 || (at + 1 < n && (unsigned char)v[at + 1] >= 0x80) ||
        (at > 0 && (unsigned char)v[at - 1] >= 0x80)) {
        return;
    }
    double u = unif(s);
    char c = digits ? (char)('0' + below(s, 10)) : keyboard_near[below(s, 26)];
    if (digits && (v[at] < '0' || v[at] > '9')) {
        at = n - 1;
    }
    if (u < 0.25 && n + 1 < cap) { /* insert */
        memmove(v + at + 1, v + at, n - at + 1);
        v[at] = c;
    } else if (u < 0.5 && n > 3) { /* delete */
        memmove(v + at, v + at + 1, n - at);
    } else if (u < 0.8) { /* substitute */
        v[at] = c;
    } else if (at + 1 < n) { /* transpose */
        char t = v[at];
        v[at] = v[at + 1];
        v[at + 1] = t;
    } else {
        char t = v[at];
        v[at] = v[at - 1];
        v[at - 1] = t;
    }
}

/* A variant of entry e other than the current spelling, or false if it has none. */
static bool variant(char *v, size_t cap, const struct entry *e, uint64_t *s)
{
    if (e->nv < 2) {
        return false;
    }
    for (int tries = 0; tries < 8; tries++) {
        const char *w = e->v[below(s, (size_t)e->nv)];
        if (strcmp(w, v) != 0) {
            snprintf(v, cap, "%s", w);
            return true;
        }
    }
    return false;
}

static uint64_t corruption_counts[16];
enum {
    C_TYPO_GIVEN,
    C_TYPO_SUR,
    C_VAR_GIVEN,
    C_VAR_SUR,
    C_DATE_SWAP,
    C_DATE_DIGIT,
    C_MISSING,
    C_PHONE,
    C_SEX,
    C_CIT,
    C_KINDS
};
static const char *const corruption_names[C_KINDS] = {
    "typo given",    "typo surname", "variant given", "variant surname", "day/month swap", "date digit",
    "missing field", "phone digit",  "sex",           "citizenship"};
/* cumulative: the share of each kind among modifications */
static const double corruption_cum[C_KINDS] = {0.19, 0.38, 0.52, 0.60, 0.66, 0.74, 0.87, 0.94, 0.97, 1.00};

static void corrupt_one(struct person *p, uint64_t *s)
{
    double u = unif(s);
    int kind = 0;
    while (kind < C_KINDS - 1 && u >= corruption_cum[kind]) {
        kind++;
    }
    switch (kind) {
    case C_VAR_GIVEN:
        if (p->given[0] != '\0' && p->gi != UINT16_MAX &&
            variant(p->given, sizeof p->given, &l_given[p->female][p->region].e[p->gi], s)) {
            break;
        }
        /* fall through */
    case C_TYPO_GIVEN:
        kind = C_TYPO_GIVEN;
        typo(p->given, sizeof p->given, s, false);
        break;
    case C_VAR_SUR:
        if (p->sur[0] != '\0' && p->si != UINT16_MAX && variant(p->sur, sizeof p->sur, &l_sur[p->region].e[p->si], s)) {
            break;
        }
        /* fall through */
    case C_TYPO_SUR:
        kind = C_TYPO_SUR;
        typo(p->sur, sizeof p->sur, s, false);
        break;
    case C_DATE_SWAP:
    case C_DATE_DIGIT: {
        int y, m, d;
        if (sscanf(p->dob, "%d-%d-%d", &y, &m, &d) != 3) {
            break;
        }
        if (kind == C_DATE_SWAP && d <= 12 && d != m) {
            date_set(p->dob, y, d, m);
            break;
        }
        kind = C_DATE_DIGIT; /* a digit of the day, the month or the year, keeping the date valid */
        for (int tries = 0; tries < 16; tries++) {
            int y2 = y, m2 = m, d2 = d;
            size_t which = below(s, 3);
            int digit = (int)below(s, 10);
            if (which == 0) {
                d2 = below(s, 2) ? (d / 10) * 10 + digit : digit * 10 + d % 10;
            } else if (which == 1) {
                m2 = below(s, 2) ? (m / 10) * 10 + digit : digit * 10 + m % 10;
            } else {
                y2 = below(s, 2) ? (y / 10) * 10 + digit : (y / 100) * 100 + digit * 10 + y % 10;
            }
            if (m2 >= 1 && m2 <= 12 && d2 >= 1 && y2 >= 1900 && y2 <= 2026 && d2 <= days_in(y2, m2) &&
                (y2 != y || m2 != m || d2 != d)) {
                date_set(p->dob, y2, m2, d2);
                break;
            }
        }
        break;
    }
    case C_MISSING: { /* phone most often, then citizenship, sex, the birth date, a given name */
        double w = unif(s);
        if (w < 0.45) {
            if (p->phone[0] != '\0') {
                p->phone[0] = '\0';
            } else {
                phone_new(p, s); /* known to one agency only */
            }
        } else if (w < 0.65) {
            p->cit[0] = '\0';
        } else if (w < 0.8) {
            p->sex[0] = '\0';
        } else if (w < 0.9) {
            p->dob[0] = '\0';
        } else {
            p->given[0] = p->given2[0] = '\0';
        }
        break;
    }
    case C_PHONE:
        if (p->phone[0] != '\0') {
            typo(p->phone + 1, sizeof p->phone - 1, s, true);
        } else {
            phone_new(p, s);
        }
        break;
    case C_SEX:
        if (p->sex[0] != '\0') {
            p->sex[0] = p->sex[0] == 'F' ? 'M' : 'F';
        }
        break;
    default: /* C_CIT: another code of the region (dual nationality, a mistaken code) */
        snprintf(p->cit, sizeof p->cit, "%s", citizenships[p->region][below(s, 7)]);
        break;
    }
    corruption_counts[kind]++;
}

/* 0-4 modifications: 15%, 40%, 28%, 12%, 5% */
static void corrupt(struct person *p, uint64_t *s)
{
    double u = unif(s);
    int k = u < 0.15 ? 0 : u < 0.55 ? 1 : u < 0.83 ? 2 : u < 0.95 ? 3 : 4;
    for (int i = 0; i < k; i++) {
        corrupt_one(p, s);
    }
}

/* ---- encoding ---- */

/* A format: the bits of the given name, the surname and the birth date (--weights). */
#define SCHEMA_JSON                                                                                                    \
    "{\"version\":3,\"clkConfig\":{\"l\":1024,\"xorFolds\":0,\"kdf\":{\"type\":\"HKDF\",\"hash\":\"SHA256\","          \
    "\"salt\":\"Rbzoe8RGB96qvAA/N0KEtjKrUM59Sf4o21dtmBaCgws=\",\"info\":\"Y3Rpcy1saW5rLWJlbmNo\",\"keySize\":64}},"    \
    "\"features\":["                                                                                                   \
    "{\"identifier\":\"given_name\",\"format\":{\"type\":\"string\",\"maxLength\":200},"                               \
    "\"hashing\":{\"comparison\":{\"type\":\"ngram\",\"n\":2},\"strategy\":{\"bitsPerFeature\":%d}}},"                 \
    "{\"identifier\":\"family_name\",\"format\":{\"type\":\"string\",\"maxLength\":200},"                              \
    "\"hashing\":{\"comparison\":{\"type\":\"ngram\",\"n\":2},\"strategy\":{\"bitsPerFeature\":%d}}},"                 \
    "{\"identifier\":\"birth_date\",\"format\":{\"type\":\"date\",\"format\":\"%%Y-%%m-%%d\"},"                        \
    "\"hashing\":{\"comparison\":{\"type\":\"ngram\",\"n\":1,\"positional\":true},"                                    \
    "\"strategy\":{\"bitsPerFeature\":%d}}},"                                                                          \
    "{\"identifier\":\"sex\",\"format\":{\"type\":\"string\",\"maxLength\":8},"                                        \
    "\"hashing\":{\"comparison\":{\"type\":\"exact\"},\"strategy\":{\"bitsPerFeature\":40}}},"                         \
    "{\"identifier\":\"citizenship\",\"format\":{\"type\":\"string\",\"maxLength\":3},"                                \
    "\"hashing\":{\"comparison\":{\"type\":\"exact\"},\"strategy\":{\"bitsPerFeature\":60}}},"                         \
    "{\"identifier\":\"phone\",\"format\":{\"type\":\"string\",\"maxLength\":64},"                                     \
    "\"hashing\":{\"comparison\":{\"type\":\"ngram\",\"n\":2,\"positional\":true},"                                    \
    "\"strategy\":{\"bitsPerFeature\":80}}}]}"

struct enc_job {
    const struct link_encoder *e;
    const struct person *p;
    struct link_clkset *set;
    size_t from, to;
    size_t failed;
};

static void *enc_worker(void *arg)
{
    struct enc_job *j = arg;
    for (size_t i = j->from; i < j->to; i++) {
        const struct person *p = &j->p[i];
        char given[2 * NAME_BYTES + 2];
        snprintf(given, sizeof given, "%s%s%s", p->given, p->given[0] && p->given2[0] ? " " : "", p->given2);
        const char *v[6] = {given, p->sur, p->dob, p->sex, p->cit, p->phone};
        size_t l[6];
        for (int f = 0; f < 6; f++) {
            l[f] = strlen(v[f]);
            if (l[f] == 0) {
                v[f] = NULL;
            }
        }
        if (link_encode_record(j->e, v, l, link_clkset_row(j->set, i)) != STATUS_OK) {
            j->failed++;
        }
    }
    return NULL;
}

static struct link_clkset *encode_all(const struct link_encoder *e, const struct person *p, size_t n, unsigned threads)
{
    struct link_clkset *set = NULL;
    ASSERT(link_clkset_new(&set, n, 1024) == STATUS_OK);
    struct enc_job jobs[64];
    pthread_t th[64];
    if (threads > 64) {
        threads = 64;
    }
    for (unsigned t = 0; t < threads; t++) {
        jobs[t] = (struct enc_job){e, p, set, n * t / threads, n * (t + 1) / threads, 0};
        ASSERT(pthread_create(&th[t], NULL, enc_worker, &jobs[t]) == 0);
    }
    size_t failed = 0;
    for (unsigned t = 0; t < threads; t++) { /* joined in order */
        pthread_join(th[t], NULL);
        failed += jobs[t].failed;
    }
    if (failed > 0) {
        fprintf(stderr, "bench_link_records: %zu records could not be encoded: %s\n", failed, err_last());
        exit(1);
    }
    link_clkset_popcounts(set);
    return set;
}

static double mean_pop(const struct link_clkset *s)
{
    double sum = 0;
    for (size_t i = 0; i < s->count; i++) {
        sum += s->pop[i];
    }
    return s->count > 0 ? sum / (double)s->count : 0;
}

static double last_print;

static void on_progress(void *ctx, double f)
{
    double t0 = *(double *)ctx, el = now_s() - t0;
    if (now_s() - last_print < 5.0 && f < 1.0) {
        return;
    }
    last_print = now_s();
    fprintf(stderr, "\r  LSH %5.1f%%  %6.0f s elapsed, about %6.0f s left ", f * 100, el,
            f > 0 ? el / f * (1 - f) : 0.0);
    if (f >= 1.0) {
        fputc('\n', stderr);
    }
}

struct truth {
    uint32_t *a2b; /* a index -> b index of its copy, or UINT32_MAX */
    size_t pairs;
};

static size_t count_correct(const struct truth *tr, const struct link_pair *p, size_t np, const uint32_t *amap)
{
    size_t c = 0;
    for (size_t i = 0; i < np; i++) {
        uint32_t a = amap != NULL ? amap[p[i].a] : p[i].a;
        c += tr->a2b[a] == p[i].b;
    }
    return c;
}

static int pair_cmp(const void *x, const void *y)
{
    const struct link_pair *p = x, *q = y;
    if (p->score != q->score) {
        return p->score > q->score ? -1 : 1;
    }
    if (p->a != q->a) {
        return p->a < q->a ? -1 : 1;
    }
    return p->b < q->b ? -1 : p->b > q->b;
}

/* link_match with LSH of A in `slices` slices against all of B (more than LINK_PAIRS_MAX pairs
 * at or above the threshold do not fit one run): each slice solved 1-to-1, then a greedy 1-to-1
 * pass over the union (a B record claimed by several slices goes to the best score). */
static enum status lsh_sliced(const struct link_clkset *a, const struct link_clkset *b, const struct link_match_opts *o,
                              unsigned slices, struct link_pair **out, size_t *count_out, struct link_match_info *info)
{
    if (slices <= 1) {
        return link_match_stats(a, b, o, out, count_out, info);
    }
    struct link_pair *all = NULL;
    size_t total = 0;
    struct link_match_info sum = {0};
    enum status st = STATUS_OK;
    for (unsigned k = 0; k < slices && st == STATUS_OK; k++) {
        size_t from = a->count * k / slices, to = a->count * (k + 1) / slices;
        struct link_clkset *sub = NULL;
        ASSERT(link_clkset_new(&sub, to - from, a->words * 64) == STATUS_OK);
        memcpy(sub->bits, link_clkset_row(a, from), (to - from) * a->words * 8);
        memcpy(sub->pop, a->pop + from, (to - from) * sizeof *sub->pop);
        struct link_pair *p = NULL;
        size_t np = 0;
        struct link_match_info li = {0};
        st = link_match_stats(sub, b, o, &p, &np, &li);
        link_clkset_free(sub);
        if (st != STATUS_OK) {
            break;
        }
        all = xrealloc(all, (total + np + 1) * sizeof *all);
        for (size_t i = 0; i < np; i++) {
            all[total + i] = (struct link_pair){p[i].a + (uint32_t)from, p[i].b, p[i].score};
        }
        total += np;
        free(p);
        sum.kernel = li.kernel;
        sum.lsh = li.lsh;
        sum.lsh_bits = li.lsh_bits;
        sum.lsh_bands = li.lsh_bands;
        sum.comparisons += li.comparisons;
        sum.candidates += li.candidates;
        sum.seconds += li.seconds;
    }
    if (st != STATUS_OK) {
        free(all);
        return st;
    }
    qsort(all, total, sizeof *all, pair_cmp);
    uint8_t *taken = xcalloc(b->count, 1);
    size_t kept = 0;
    for (size_t i = 0; i < total; i++) {
        if (!taken[all[i].b]) {
            taken[all[i].b] = 1;
            all[kept++] = all[i];
        }
    }
    free(taken);
    *out = all;
    *count_out = kept;
    *info = sum;
    return STATUS_OK;
}

static void run_threshold(const struct link_clkset *a, const struct link_clkset *b, const struct truth *tr, double t,
                          size_t sample, unsigned threads, double enc_wall, double enc_cpu, unsigned slices,
                          bool baseline_only)
{
    size_t n = a->count;
    printf("\n== threshold %.2f, 1-to-1, %u threads\n", t, threads);
    /* baseline: the exact matcher on a sample of A (every (n/sample)-th record) against all of B */
    size_t sn = sample < n ? sample : n;
    struct link_clkset *as = NULL;
    ASSERT(link_clkset_new(&as, sn, 1024) == STATUS_OK);
    uint32_t *amap = xmalloc(sn * sizeof *amap);
    size_t want = 0;
    for (size_t i = 0; i < sn; i++) {
        amap[i] = (uint32_t)(i * n / sn);
        memcpy(link_clkset_row(as, i), link_clkset_row(a, amap[i]), a->words * 8);
        want += tr->a2b[amap[i]] != UINT32_MAX;
    }
    link_clkset_popcounts(as);
    struct link_match_opts o = {.threshold = t, .threads = threads, .blocking = LINK_BLOCKING_NONE};
    struct link_pair *p = NULL;
    size_t np = 0;
    struct link_match_info bi = {0};
    double c0 = cpu_s();
    if (link_match_stats(as, b, &o, &p, &np, &bi) != STATUS_OK) {
        printf("exact: link_match failed: %s\n", err_last());
        exit(1);
    }
    double b_cpu = cpu_s() - c0;
    size_t got = count_correct(tr, p, np, amap), np1 = np;
    free(p);
    /* the threshold's ceiling: the sample's true pairs scoring >= t at all (every pair, no solving) */
    o.all_pairs = true;
    size_t ceil_got = 0, above = 0;
    if (link_match(as, b, &o, &p, &np) == STATUS_OK) {
        ceil_got = count_correct(tr, p, np, amap);
        above = np;
        free(p);
    }
    o.all_pairs = false;
    double ceiling = want > 0 ? (double)ceil_got / (double)want : 1.0;
    double ex_recall = want > 0 ? (double)got / (double)want : 1.0;
    double ex_precision = np1 > 0 ? (double)got / (double)np1 : 1.0;
    double ex_wall = bi.seconds * (double)n / (double)sn, ex_cpu = b_cpu * (double)n / (double)sn;
    double ex_cmp = (double)bi.comparisons * (double)n / (double)sn;
    printf("baseline, exact matcher (no blocking) on %zu of A's records (%zu true pairs) x all %zu of B: %.2f s wall, "
           "%.2f s CPU, %.3g comparisons, recall %.4f (1-to-1 among the sample; %.4f of the true pairs score >= %.2f), "
           "precision %.4f\n",
           sn, want, b->count, bi.seconds, b_cpu, (double)bi.comparisons, ex_recall, ceiling, t, ex_precision);
    printf("  extrapolated to %zu x %zu: match %.0f s wall (%.1f min), %.0f s CPU, %.3g comparisons; end to end with "
           "the encoding %.0f s wall (%.1f min)\n",
           n, b->count, ex_wall, ex_wall / 60, ex_cpu, ex_cmp, enc_wall + ex_wall, (enc_wall + ex_wall) / 60);
    link_clkset_free(as);
    printf("  pairs scoring >= %.2f: %.1f a record of A (about %.3g in all: LINK_PAIRS_MAX is %u)\n", t,
           (double)above / (double)sn, (double)above * (double)n / (double)sn, LINK_PAIRS_MAX);
    if (baseline_only) {
        free(amap);
        return;
    }

    o.blocking = LINK_BLOCKING_LSH;
    double t0 = now_s();
    o.progress = on_progress;
    o.progress_ctx = &t0;
    struct link_match_info li = {0};
    c0 = cpu_s();
    unsigned used = slices;
    enum status st = lsh_sliced(a, b, &o, slices, &p, &np, &li);
    while (st == STATUS_TOO_LARGE && used < 64) {
        printf("LSH in %u slice%s of A: %s (after %.1f s); again in %u slices\n", used, used == 1 ? "" : "s",
               err_last(), now_s() - t0, 2 * used);
        used *= 2;
        t0 = now_s();
        c0 = cpu_s();
        st = lsh_sliced(a, b, &o, used, &p, &np, &li);
    }
    if (st != STATUS_OK) {
        printf("LSH: link_match failed: %s (after %.1f s)\n", err_last(), now_s() - t0);
        free(amap);
        return;
    }
    if (used > 1) {
        printf("LSH in %u slices of A (each 1-to-1 against all of B, then a greedy 1-to-1 pass over their union)\n",
               used);
    }
    double m_wall = now_s() - t0, m_cpu = cpu_s() - c0;
    size_t correct = count_correct(tr, p, np, NULL);
    /* the LSH run's recall on the baseline's sample too: the same queries */
    uint8_t *in_sample = xcalloc(n, 1);
    for (size_t i = 0; i < sn; i++) {
        in_sample[amap[i]] = 1;
    }
    size_t s_got = 0;
    for (size_t i = 0; i < np; i++) {
        s_got += in_sample[p[i].a] && tr->a2b[p[i].a] == p[i].b;
    }
    free(in_sample);
    free(p);
    free(amap);
    double recall = tr->pairs > 0 ? (double)correct / (double)tr->pairs : 1.0;
    double s_recall = want > 0 ? (double)s_got / (double)want : 1.0;
    double precision = np > 0 ? (double)correct / (double)np : 1.0;
    double tot_wall = enc_wall + m_wall, tot_cpu = enc_cpu + m_cpu;
    printf("LSH k=%u bits x L=%u bands, %s kernel: %zu matches\n", li.lsh_bits, li.lsh_bands, li.kernel, np);
    printf(
        "  match:       %.1f s wall (%.2f min) = %.3f x the exact matcher's extrapolated %.0f s; CPU %.1f s = %.3f x "
        "its %.0f s\n",
        m_wall, m_wall / 60, m_wall / ex_wall, ex_wall, m_cpu, m_cpu / ex_cpu, ex_cpu);
    printf("  comparisons: %.3g = %.4f x the exact matcher's extrapolated %.3g (%.2g of all %zu x %zu pairs)\n",
           (double)li.comparisons, (double)li.comparisons / ex_cmp, ex_cmp,
           (double)li.comparisons / ((double)n * (double)b->count), n, b->count);
    printf("  end to end:  encode %.1f s + match %.1f s = %.1f s wall (%.2f min; aim: under 600 s) = %.3f x with the "
           "exact matcher; CPU %.1f s (%.2f of %u cores busy)\n",
           enc_wall, m_wall, tot_wall, tot_wall / 60, tot_wall / (enc_wall + ex_wall), tot_cpu, tot_cpu / tot_wall,
           threads);
    printf("  recall:      %.4f of %zu true pairs (aim: 0.98 or better); on the sample %.4f = %.4f x the exact "
           "matcher's %.4f, %.4f x the share scoring >= %.2f (%.4f)\n",
           recall, tr->pairs, s_recall, ex_recall > 0 ? s_recall / ex_recall : 0.0, ex_recall,
           ceiling > 0 ? s_recall / ceiling : 0.0, t, ceiling);
    printf("  precision:   %.4f (exact matcher on the sample: %.4f)\n", precision, ex_precision);
}

int main(int argc, char **argv)
{
    size_t n = 1000000, sample = 2000;
    double thresholds[2] = {0.8, 0.75};
    int nt = 2;
    uint64_t seed = 1;
    double share = 0.5;
    unsigned slices = 1;
    bool baseline_only = false;
    int w_given = 200, w_family = 200, w_birth = 200; /* --weights G,F,B: bits per feature */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--records") == 0 && i + 1 < argc) {
            n = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--threshold") == 0 && i + 1 < argc) {
            thresholds[0] = strtod(argv[++i], NULL);
            nt = 1;
        } else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            seed = strtoull(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--sample") == 0 && i + 1 < argc) {
            sample = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--baseline-only") == 0) {
            baseline_only = true;
        } else if (strcmp(argv[i], "--slices") == 0 && i + 1 < argc) {
            slices = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--share") == 0 && i + 1 < argc) {
            share = strtod(argv[++i], NULL);
        } else if (strcmp(argv[i], "--weights") == 0 && i + 1 < argc) {
            if (sscanf(argv[++i], "%d,%d,%d", &w_given, &w_family, &w_birth) != 3 || w_given < 1 || w_family < 1 ||
                w_birth < 1 || w_given > 2000 || w_family > 2000 || w_birth > 2000) {
                fprintf(stderr, "--weights: G,F,B, the bits of the given name, surname and birth date\n");
                return 2;
            }
        } else {
            fprintf(stderr, "usage: bench_link_records [--records N] [--threshold T] [--seed S] [--sample S] "
                            "[--share F] [--slices K] [--weights G,F,B] [--baseline-only]\n");
            return 2;
        }
    }
    if (n < 2 || n > LINK_RECORDS_MAX || sample < 1 || share < 0 || share > 1 || thresholds[0] <= 0 ||
        thresholds[0] > 1) {
        fprintf(stderr,
                "bench_link_records: --records 2 to %u, --sample at least 1, --share and --threshold in "
                "(0, 1]\n",
                LINK_RECORDS_MAX);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    ASSERT(vault_library_init() == STATUS_OK);
    unsigned threads = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    if (threads == 0) {
        threads = 1;
    }
    for (int r = 0; r < REGIONS; r++) {
        list_init(&l_given[0][r], given_m[r]);
        list_init(&l_given[1][r], given_f[r]);
        list_init(&l_sur[r], surnames[r]);
        list_init(&l_root[r], sur_roots[r]);
        if (given_roots[r][0] != NULL) {
            list_init(&l_groot[r], given_roots[r]);
            list_init(&l_gend[r], given_endings[r]);
        }
        list_init(&l_suffix[r], sur_suffixes[r]);
    }

    /* generation */
    double g0 = now_s();
    uint64_t s = seed * 0x2545f4914f6cdd1dull + 0x70657273;
    struct person *pa = xmalloc(n * sizeof *pa), *pb = xmalloc(n * sizeof *pb);
    for (size_t i = 0; i < n; i++) {
        person_new(&pa[i], &s);
    }
    size_t pairs = (size_t)llround((double)n * share);
    uint32_t *aperm = xmalloc(n * sizeof *aperm), *bperm = xmalloc(n * sizeof *bperm);
    for (size_t i = 0; i < n; i++) {
        aperm[i] = bperm[i] = (uint32_t)i;
    }
    for (size_t i = n - 1; i > 0; i--) {
        size_t r = below(&s, i + 1), q = below(&s, i + 1);
        uint32_t x = aperm[i];
        aperm[i] = aperm[r];
        aperm[r] = x;
        x = bperm[i];
        bperm[i] = bperm[q];
        bperm[q] = x;
    }
    struct truth tr = {xmalloc(n * sizeof *tr.a2b), pairs};
    for (size_t i = 0; i < n; i++) {
        tr.a2b[i] = UINT32_MAX;
    }
    size_t modified = 0;
    for (size_t i = 0; i < n; i++) { /* B's record bperm[i]: a copy of A's aperm[i] for i < pairs */
        struct person *q = &pb[bperm[i]];
        if (i < pairs) {
            *q = pa[aperm[i]];
            struct person before = *q;
            corrupt(q, &s);
            modified += memcmp(&before, q, sizeof before) != 0;
            tr.a2b[aperm[i]] = bperm[i];
        } else {
            person_new(q, &s);
        }
    }
    double gen = now_s() - g0;
    /* how often two of A's persons share all their names, and also the birth date (1,000,000
     * random pairs): the namesakes every matcher must tell apart */
    size_t same_names = 0, same_all = 0, tries = 1000000;
    uint64_t s2 = seed + 99;
    for (size_t k = 0; k < tries; k++) {
        const struct person *x = &pa[below(&s2, n)], *y = &pa[below(&s2, n)];
        if (x != y && strcmp(x->given, y->given) == 0 && strcmp(x->given2, y->given2) == 0 &&
            strcmp(x->sur, y->sur) == 0) {
            same_names++;
            same_all += strcmp(x->dob, y->dob) == 0;
        }
    }
    printf("== end-to-end linkage: %zu x %zu generated person records (seed %llu), %zu true pairs (%.0f%% of B), "
           "%u threads\n",
           n, n, (unsigned long long)seed, pairs, share * 100, threads);
    printf("generated in %.1f s; %zu of the copies modified (%.1f%%); modifications:", gen, modified,
           pairs > 0 ? 100.0 * (double)modified / (double)pairs : 0.0);
    uint64_t all = 0;
    for (int k = 0; k < C_KINDS; k++) {
        all += corruption_counts[k];
    }
    for (int k = 0; k < C_KINDS; k++) {
        printf("%s %s %.1f%%", k ? "," : "", corruption_names[k],
               all > 0 ? 100.0 * (double)corruption_counts[k] / (double)all : 0.0);
    }
    printf(" (%.2f a copy)\n", pairs > 0 ? (double)all / (double)pairs : 0.0);
    printf("namesakes: %.2g of random pairs of persons share all their names (about %.3g pairs of A x B), %.2g also "
           "the birth date\n",
           (double)same_names / (double)tries, (double)same_names / (double)tries * (double)n * (double)n,
           (double)same_all / (double)tries);

    /* encoding */
    struct link_schema *schema = NULL;
    char schema_json[4096];
    snprintf(schema_json, sizeof schema_json, SCHEMA_JSON, w_given, w_family, w_birth);
    printf("schema: bits per feature given name %d, surname %d, birth date %d, sex 40, citizenship 60, phone 80\n",
           w_given, w_family, w_birth);
    if (link_schema_parse(&schema, schema_json, strlen(schema_json), "bench-schema.json") != STATUS_OK) {
        fprintf(stderr, "bench_link_records: schema: %s\n", err_last());
        return 1;
    }
    static const char secret[] = "the secret both agencies of the benchmark share";
    struct link_encoder *e = NULL;
    ASSERT(link_encoder_new(&e, schema, (const uint8_t *)secret, strlen(secret)) == STATUS_OK);
    size_t bn = n < 20000 ? n : 20000; /* baseline: one thread on the first records of A */
    double e0 = now_s();
    struct link_clkset *one = encode_all(e, pa, bn, 1);
    double one_rate = (double)bn / (now_s() - e0);
    link_clkset_free(one);
    e0 = now_s();
    double ec0 = cpu_s();
    struct link_clkset *a = encode_all(e, pa, n, threads), *b = encode_all(e, pb, n, threads);
    double enc_wall = now_s() - e0, enc_cpu = cpu_s() - ec0;
    free(pa);
    free(pb);
    printf("encoded 2 x %zu records (1024 bits, unbalanced) in %.1f s wall, %.1f s CPU: %.0f records/s = %.2f x one "
           "thread's %.0f records/s (on %zu records; %.2f of %u cores busy); mean popcount A %.0f, B %.0f (%.3f of "
           "the bits)\n",
           n, enc_wall, enc_cpu, 2.0 * (double)n / enc_wall, 2.0 * (double)n / enc_wall / one_rate, one_rate, bn,
           enc_cpu / enc_wall, threads, mean_pop(a), mean_pop(b), mean_pop(a) / 1024.0);
    for (int i = 0; i < nt; i++) {
        run_threshold(a, b, &tr, thresholds[i], sample, threads, enc_wall, enc_cpu, slices, baseline_only);
    }
    link_clkset_free(a);
    link_clkset_free(b);
    link_encoder_free(e);
    link_schema_free(schema);
    free(tr.a2b);
    free(aperm);
    free(bperm);
    return 0;
}
