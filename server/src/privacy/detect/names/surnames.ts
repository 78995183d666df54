/**
 * Family names from many cultures, lower-case, space-separated, one line per
 * region. Layered on compromise's lexicon and on {@link SURNAME_SUFFIXES}.
 * Hand-written, not taken from any test set.
 */
export const SURNAMES = `
smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis robinson walker young allen king wright scott torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter roberts gomez phillips evans turner diaz parker cruz edwards collins reyes stewart morris morales murphy cook rogers gutierrez ortiz morgan cooper peterson bailey reed kelly howard ramos kim cox ward richardson watson brooks chavez wood james bennett gray mendoza ruiz hughes price alvarez castillo sanders patel myers long ross foster jimenez powell jenkins perry russell sullivan bell coleman butler henderson barnes gonzales fisher vasquez simmons romero jordan patterson alexander hamilton graham reynolds griffin wallace west cole hayes bryant herrera gibson ellis tran medina aguilar stevens murray ford castro marshall owens harrison fernandez mcdonald woods washington kennedy wells vargas henry chen freeman webb tucker guzman burns crawford olson simpson porter hunter gordon mendez silva shaw snyder mason dixon munoz hunt hicks holmes palmer wagner black robertson boyd rose stone salazar fox warren mills meyer rice schmidt garza daniels ferguson nichols stephens soto weaver ryan gardner payne grant dunn kelley spencer hawkins arnold pierce vazquez hansen peters santos hart bradley knight elliott cunningham duncan armstrong hudson carroll lane riley andrews alvarado ray delgado berry perkins hoffman johnston matthews pena richards contreras willis carpenter lawrence sandoval guerrero george chapman rios estrada ortega watkins greene nunez wheeler valdez harper burke larson santiago maldonado morrison franklin carlson austin dominguez carr lawson jacobs obrien lynch singh vega bishop montgomery oliver jensen harvey williamson gilbert dean sims espinoza howell li wong reid hanson le mccoy garrett burton fuller wang weber welch rojas lucas marquez fields park yang little banks padilla day walsh bowman schultz luna fowler mejia davidson acosta brewer may holland juarez newman pearson curtis cortez douglas schneider joseph barrett navarro figueroa keller avila wade molina stanley hopkins campos barnett bates chambers caldwell beck lambert miranda byrd craig ayala lowe frazier powers neal leonard gregory carrillo sutton fleming rhodes shelton schwartz norris jennings watts duran walters cohen mcdaniel moran parks steele vaughn becker holt deleon barker terry hale leon hail benson haynes horton miles lyons pham graves bush thornton wolfe warner cabrera mckinney mann zimmerman dawson lara fletcher page mccarthy love robles cervantes solis erickson reeves chang klein salinas fuentes baldwin daniel simon velasquez hardy higgins aguirre lin cummings chandler sharp barber bowen ochoa dennis robbins liu ramsey francis griffith paul blair oconnor cardenas pacheco cross calderon quinn moss swanson chan rivas khan rodgers serrano fitzgerald rosales stevenson christensen manning gill curry mclaughlin harmon mcgee gross doyle garner newton burgess reese walton blake trujillo adkins brady goodman roman webster goodwin fischer huang potter delacruz montoya todd wu hines mullins castaneda malone cannon tate mack sherman hubbard hodges zhang guerra wolf valencia saunders franco rowe gallagher farmer hammond hampton townsend ingram wise gallegos clarke barton schroeder maxwell waters logan camacho strickland norman person colon parsons frank harrington glover osborne buchanan casey floyd patton ibarra ball tyler suarez bowers orozco salas cobb gibbs andrade bauer conner moody escobar mcguire lloyd mueller hartman french kramer mcbride pope lindsey velazquez norton mccormick sparks flynn yates hogan marsh macias villanueva zamora pratt stokes owen ballard lang brock villarreal charles drake barrera cain patrick pineda burnett mercado santana shepherd bautista ali shaffer lamb trevino mckenzie hess beil olsen cochran morton nash wilkins petersen briggs shah roth nicholson holloway lozano rangel flowers hoover short arias mora valenzuela bryan meyers weiss underwood bass greer summers houston carson morrow clayton whitaker decker yoder collier zuniga carey wilcox melendez poole roberson larsen conley davenport copeland massey lam huff rocha cameron jefferson hood monroe anthony pittman huynh randall singleton kirk combs mathis christian skinner bradford richard galvan wall boone kirby wilkinson bridges bruce atkinson velez meza roy vincent york hodge villa abbott allison tapia gates chase sosa sweeney farrell wyatt dalton horn barron phelps yu dickerson heath foley atkins mathews bonilla acevedo benitez zavala hensley glenn cisneros harrell shields rubio huffman choi boyer garrison arroyo bond kane hancock callahan dillon cline wiggins grimes arellano melton oneill savage ho beltran pitts parrish ponce rich booth koch golden ware brennan mcdowell marks cantu humphrey baxter sawyer clay tanner hutchinson kaur berg wiley gilmore russo villegas hobbs keith wilkerson ahmed beard mcclain montes mata rosario vang walter henson oneal mosley mcclure beasley stephenson snow huerta preston vance barry johns eaton blackwell dyer prince macdonald solomon guevara stafford english hurst woodard cortes shannon kemp nolan mccullough merritt murillo moon salgado strong kline cordova barajas roach rosas winters jacobson lester knox bullock kerr leach meadows davila orr whitehead pruitt kent conway mckee barr david dejesus marin berger mcintyre blankenship gaines palacios cuevas bartlett durham dorsey mccall odonnell stein browning stout lowery sloan mclean hendricks calhoun sexton chung gentry hull duarte ellison nielsen gillespie buck middleton sellers leblanc esparza hardin bradshaw mcintosh howe livingston frost glass morse knapp herman stark bravo noble spears weeks corona frederick buckley mcfarland hebert enriquez hickman quintero randolph schaefer walls trejo house reilly pennington michael conrad giles benjamin crosby fitzpatrick donovan mays mahoney valentine raymond medrano hahn mcmillan small bentley felix peck lucero boyle hanna pace rush hurley harding mcconnell bernal nava ayers everett ventura avery pugh mayer bender shepard mcmahon landry case sampson moses magana blackburn dunlap gould duffy vaughan herring mckay espinosa rivers farley bernard ashley friedman potts truong costa correa blevins nixon clements fry delarosa best benton lugo portillo dougherty crane haley phan villalobos blanchard horne finley quintana lynn esquivel bean dodson mullen xiong hayden cano levy huber richmond moyer lim frye sheppard mccarty avalos booker waller parra woodward jaramillo krueger rasmussen brandt peralta donaldson stuart faulkner maynard galindo coffey estes sanford burch maddox vo oconnell vu andersen spence mcpherson church schmitt stanton leal cherry compton dudley sierra pollard alfaro hester proctor lu hinton novak good madden mccann terrell jarvis dickson reyna cantrell mayo branch hendrix rollins rowland whitney duke odom daugherty travis tang archer
müller mueller schmidt schneider fischer weber meyer wagner becker schulz hoffmann schäfer schaefer koch bauer richter klein wolf schröder schroeder neumann schwarz zimmermann braun krüger krueger hofmann hartmann lange schmitt werner schmitz krause meier lehmann schmid schulze maier köhler koehler herrmann könig koenig walter mayer huber kaiser fuchs peters lang scholz möller moeller weiß weiss jung hahn schubert vogel friedrich keller günther guenther frank berger winkler roth beck lorenz baumann franke albrecht schuster simon ludwig böhm boehm winter kraus martin schumacher krämer kraemer vogt stein jäger jaeger otto sommer groß gross seidel heinrich brandt haas schreiber graf schulte dietrich ziegler kuhn kühn kuehn pohl engel horn busch bergmann thomas voigt sauer arnold wolff pfeiffer
de jong jansen de vries van den berg van dijk bakker janssen visser smit meijer de boer mulder de groot bos vos peters hendriks van leeuwen dekker brouwer de wit dijkstra smits de graaf van der meer van der linden kok jacobs de haan vermeulen van den heuvel van der veen van den broek de bruijn de bruin van der heijden schouten van beek willems van vliet van de ven hoekstra maas verhoeven koster van dam van der wal prins blom huisman peeters maes wouters claes goossens de smet dubois lambert dupont martens voss
martin bernard dubois thomas robert richard petit durand leroy moreau simon laurent lefebvre michel garcia david bertrand roux vincent fournier morel girard andre lefevre mercier dupont lambert bonnet francois martinez legrand garnier faure rousseau blanc guerin muller henry roussel nicolas perrin morin mathieu clement gauthier dumont lopez fontaine chevalier robin masson sanchez gerard nguyen boyer denis lemaire duval joly gautier roger roche roy noel meyer lucas meunier jean perez marchand dufour blanchard marie barbier brun dumas brunet schmitt leroux colin fernandez pierre renard arnaud rolland caron aubert giraud leclerc vidal bourgeois renaud lemoine picard gaillard philippe leclercq lacroix fabre dupuis olivier rodriguez da silva hubert louis charles guillot riviere le gall guillaume adam rey moulin gonzalez berger lecomte menard fleury deschamps carpentier julien benoit paris maillard marchal aubry vasseur le roux renault jacquet collet prevost poirier charpentier royer huet baron dupuy pons paul laine carre breton remy schneider perrot guyot barre marty cousin
rossi russo ferrari esposito bianchi romano colombo ricci marino greco bruno gallo conti de luca mancini costa giordano rizzo lombardi moretti barbieri fontana santoro mariani rinaldi caruso ferrara galli martini leone longo gentile martinelli vitale serra coppola de santis d'angelo marchetti parisi villa conte ferraro ferri fabbri bianco marini grasso valentini messina sala de angelis gatti pellegrini palumbo sanna farina rizzi monti cattaneo morelli amato silvestri mazza testa grassi pellegrino carbone giuliani benedetti barone rossetti caputo montanari guerra palmieri bernardi martino fiore de rosa ferretti bellini basile riva donati piras vitali battaglia sartori neri costantini milani pagano ruggiero sorrentino d'amico orlando damico negri
garcía garcia fernández fernandez gonzález gonzalez rodríguez rodriguez lópez lopez martínez martinez sánchez sanchez pérez perez gómez gomez martín martin jiménez jimenez ruiz hernández hernandez díaz diaz moreno muñoz munoz álvarez alvarez romero alonso gutiérrez gutierrez navarro torres domínguez dominguez vázquez vazquez ramos gil ramírez ramirez serrano blanco molina morales suárez suarez ortega delgado castro ortiz rubio marín marin sanz núñez nunez iglesias medina garrido cortés cortes castillo santos lozano guerrero cano prieto méndez mendez cruz calvo gallego herrera márquez marquez león leon peña pena flores cabrera campos vega fuentes carrasco diez caballero reyes nieto aguilar pascual santana herrero montero lorenzo hidalgo giménez gimenez ibáñez ibanez ferrer durán duran santiago benítez benitez vargas mora vicente arias carmona crespo román roman pastor soto sáez saez velasco moya soler parra esteban bravo gallardo rojas silva souza sousa oliveira santos pereira lima carvalho ferreira rodrigues almeida costa gomes martins araújo araujo ribeiro alves barbosa cardoso rocha dias nascimento moreira nunes mendes cavalcanti monteiro moura correia teixeira vieira lopes freitas pinto castro campos andrade batista fonseca machado marques melo azevedo coelho cunha tavares miranda brito ramos reis pires figueiredo neves medeiros matos sá sa
andersson johansson karlsson nilsson eriksson larsson olsson persson svensson gustafsson pettersson jonsson jansson hansson bengtsson jönsson lindberg jakobsson magnusson olofsson lindström lindstrom lindqvist lindgren berg axelsson bergström bergstrom lundberg lind lundgren lundqvist mattsson berglund fredriksson sandberg henriksson forsberg sjöberg sjoberg wallin engström engstrom danielsson håkansson hakansson eklund lundin gunnarsson björk bjork bergman holm samuelsson fransson wikström wikstrom isaksson bergqvist nyström nystrom holmberg arvidsson löfgren lofgren söderberg soderberg nyberg blomqvist claesson nordström nordstrom mårtensson martensson hansen johansen olsen larsen andersen pedersen nilsen kristiansen jensen karlsen johnsen pettersen eriksen berg haugen hagen johannessen andreassen jacobsen dahl jørgensen jorgensen halvorsen henriksen lund sørensen sorensen jakobsen moen gundersen iversen strand solberg svendsen eide knutsen martinsen bakken kristoffersen mathisen lie amundsen nguyen rasmussen ali lunde solheim berge moe nygård nygard bakke kristensen fredriksen holm lien hauge christensen andresen nielsen christiansen madsen thomsen poulsen møller moller mortensen petersen frederiksen laursen
jónsson jonsson sigurðsson sigurdsson guðmundsson gudmundsson gunnarsson ólafsson olafsson einarsson kristjánsson kristjansson magnússon magnusson stefánsson stefansson jóhannsson johannsson björnsson bjornsson árnason arnason helgason halldórsson halldorsson ragnarsson sveinsson pálsson palsson þórðarson thordarson haraldsson jónsdóttir jonsdottir sigurðardóttir sigurdardottir guðmundsdóttir gudmundsdottir gunnarsdóttir gunnarsdottir ólafsdóttir olafsdottir
korhonen virtanen mäkinen makinen nieminen mäkelä makela hämäläinen hamalainen laine heikkinen koskinen järvinen jarvinen lehtonen lehtinen saarinen salminen heinonen niemi heikkilä heikkila kinnunen salonen turunen salo laitinen tuominen rantanen karjalainen jokinen mattila savolainen lahtinen ahonen
novák novak svoboda novotný novotny dvořák dvorak černý cerny procházka prochazka kučera kucera veselý vesely horák horak němec nemec marek pospíšil pospisil pokorný pokorny hájek hajek král kral jelínek jelinek růžička ruzicka beneš benes fiala sedláček sedlacek doležal dolezal zeman kolář kolar navrátil navratil čermák cermak nowak kowalski wiśniewski wisniewski wójcik wojcik kowalczyk kamiński kaminski lewandowski zieliński zielinski szymański szymanski woźniak wozniak dąbrowski dabrowski kozłowski kozlowski jankowski mazur wojciechowski kwiatkowski krawczyk kaczmarek piotrowski grabowski zając zajac pawłowski pawlowski michalski król krol wieczorek jabłoński jablonski wróbel wrobel nowakowski majewski olszewski stępień stepien malinowski jaworski adamczyk nowicki pawlak górski gorski witkowski walczak sikora baran rutkowski michalak szewczyk ostrowski tomaszewski pietrzak zalewski wróblewski wroblewski
ivanov ivanova smirnov smirnova kuznetsov kuznetsova popov popova vasiliev vasilieva petrov petrova sokolov sokolova mikhailov mikhailova novikov novikova fedorov fedorova morozov morozova volkov volkova alekseev alekseeva lebedev lebedeva semenov semenova egorov egorova pavlov pavlova kozlov kozlova stepanov stepanova nikolaev nikolaeva orlov orlova andreev andreeva makarov makarova zakharov zakharova zaitsev zaitseva solovyov solovyova borisov borisova yakovlev yakovleva grigoriev grigorieva romanov romanova vorobyov vorobyova sergeev sergeeva kovalenko kovalchuk bondarenko tkachenko shevchenko kravchenko oliynyk boyko melnyk moroz lysenko rudenko savchenko petrenko marchenko
papadopoulos papadopoulou papadakis papanikolaou georgiou nikolaou dimitriou ioannou konstantinou vasileiou pappas christodoulou karagiannis antoniou oikonomou makris alexiou theodorou michailidis
yilmaz yılmaz kaya demir şahin sahin çelik celik yıldız yildiz yıldırım yildirim öztürk ozturk aydın aydin özdemir ozdemir arslan doğan dogan kılıç kilic aslan çetin cetin kara koç koc kurt özkan ozkan şimşek simsek polat korkmaz erdoğan erdogan
khan ahmed ali hussain hussein hassan rahman chaudhry chaudhary qureshi malik sheikh shaikh siddiqui butt akhtar iqbal mirza baig abbasi ansari hashmi haddad khoury haddad nasser mansour saleh hamdan khalil ibrahim abdullah farouk aziz darwish said saeed yousef karimi ahmadi hosseini mohammadi rezaei moradi jafari rahimi sadeghi hashemi ghorbani sharifi kazemi mousavi
sharma verma gupta singh kumar patel shah mehta joshi desai reddy rao nair menon pillai iyer iyengar agarwal aggarwal bansal goyal jain kapoor khanna malhotra chopra arora bhatia sethi saxena srivastava mishra pandey tiwari dubey shukla tripathi chaturvedi yadav chauhan rathore thakur bose banerjee chatterjee mukherjee das dutta ghosh sen roy chakraborty bhattacharya naidu krishnan subramaniam venkatesh ramanathan
wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang xie song tang han feng deng cao peng zeng xiao tian dong yuan pan cai jiang yu du ye cheng wei su lu ding ren shen yao jiang cui tan lu fan wang fu zhong lam cheung chow leung wong yip tsang
sato suzuki takahashi tanaka watanabe ito yamamoto nakamura kobayashi kato yoshida yamada sasaki yamaguchi matsumoto inoue kimura hayashi shimizu yamazaki mori abe ikeda hashimoto yamashita ishikawa nakajima maeda fujita ogawa goto okada hasegawa murakami kondo ishii saito sakamoto endo aoki fujii nishimura fukuda ota miura fujiwara okamoto matsuda nakagawa nakano harada ono tamura takeuchi kaneko wada nakayama ishida ueda morita hara shibata sakai kudo yokoyama miyazaki miyamoto uchida takagi ando taniguchi ohno maruyama imai takada fujimoto takeda murata ueno sugiyama masuda sugawara hirano kojima otsuka chiba kubo matsui iwasaki sakurai kinoshita noguchi matsuo nomura kikuchi sano onishi sugimoto arai
kim lee park choi jung kang cho yoon jang lim han oh seo shin kwon hwang ahn song jeon hong yoo ko moon yang son bae baek heo nam noh ha kwak sung cha joo woo min ryu na jin ji uhm
nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly truong dinh lam mai
okafor okonkwo okeke nwosu eze obi adeyemi adebayo ogunleye oyelaran adeleke afolabi balogun bello okoro onyekachi mensah owusu boateng asante osei agyeman appiah acheampong kamau mwangi otieno ochieng odhiambo wanjiku njoroge kiprop kiplagat cheruiyot mutua nkosi dlamini ndlovu khumalo mokoena mahlangu zulu moyo ncube mutasa chikwanha tesfaye bekele haile alemu mengistu
kealoha kahananui nakamura ngata tipene parata
nagy kovács kovacs tóth toth szabó szabo horváth horvath varga kiss molnár molnar németh nemeth farkas balogh
papp takács takacs juhász juhasz lakatos mészáros meszaros oláh olah rácz racz fekete szilágyi szilagyi török
torok fehér feher balázs balazs gál gal kis szűcs szucs kocsis orsós orsos pintér pinter fodor szalai sipos
magyar lukács lukacs gulyás gulyas bíró biro király kiraly katona lászló laszlo jakab bogdán bogdan balog
sándor sandor boros fazekas kelemen antal somogyi orosz fülöp fulop veres budai vincze hegedűs hegedus deák
deak pap bálint balint illés illes pál pal vass szőke szoke kallio leinonen lindholm miettinen nurmi hyvärinen
hyvarinen ojala väisänen vaisanen pelkonen kärkkäinen karkkainen manninen aaltonen hiltunen horvat kovačević
kovacevic babić babic marić maric jurić juric knežević knezevic vuković vukovic marković markovic petrović
petrovic matić matic tomić tomic pavlović pavlovic božić bozic blažević blazevic grgić grgic pavić pavic radić
radic perić peric kovačić kovacic popović popovic nikolić nikolic jovanović jovanovic đorđević djordjevic
stojanović stojanovic ilić ilic stanković stankovic milošević milosevic hodžić hodzic hadžić hadzic begić
begic delić delic mehmedović mehmedovic šehić sehic omerović omerovic popescu ionescu popa pop radu dumitru
stoica stan gheorghe matei ciobanu rusu munteanu moldovan constantin dobre barbu nistor florea dinu lazar
mihai toma diaconu georgiev dimitrov nikolov hristov stoyanov todorov iliev atanasov angelov vasilev hoxha
shehu gashi berisha krasniqi kelmendi morina bytyqi beridze kapanadze gelashvili maisuradze giorgadze lomidze
tsiklauri bolkvadze hovhannisyan harutyunyan sargsyan khachatryan grigoryan petrosyan hakobyan karapetyan levi
mizrahi peretz biton dahan avraham azulay malka katz
`;

/**
 * Endings that mark a family name in many languages (Slavic, Nordic,
 * Icelandic, Baltic, Armenian, Georgian, Greek, Romanian, Irish, Basque, …).
 * A capitalised token with one of these endings is a likely surname.
 */
export const SURNAME_SUFFIXES = [
  "ović",
  "ovic",
  "ević",
  "evic",
  "ić",
  "vić",
  "ová",
  "ova",
  "ov",
  "ev",
  "ovich",
  "evich",
  "ovna",
  "evna",
  "enko",
  "chenko",
  "chuk",
  "czuk",
  "czyk",
  "uk",
  "yuk",
  "ski",
  "ska",
  "sky",
  "skiy",
  "skaya",
  "skyi",
  "cki",
  "cka",
  "dzki",
  "wicz",
  "sson",
  "son",
  "sen",
  "sdóttir",
  "dóttir",
  "dottir",
  "sdottir",
  "ian",
  "yan",
  "dze",
  "shvili",
  "ishvili",
  "adze",
  "poulos",
  "opoulos",
  "akis",
  "idis",
  "iadis",
  "ou",
  "opoulou",
  "escu",
  "eanu",
  "anu",
  "ainen",
  "äinen",
  "inen",
  "nen",
  "la",
  "lä",
  "aitis",
  "aitė",
  "ienė",
  "auskas",
  "ūnas",
  "onis",
  "oğlu",
  "oglu",
  "zade",
  "pour",
  "nejad",
  "far",
  "berg",
  "burg",
  "stein",
  "mann",
  "feld",
  "baum",
  "hoff",
  "hof",
  "haus",
  "heim",
  "brecht",
  "hardt",
  "bauer",
  "meyer",
  "müller",
  "ez",
  "es",
  "ini",
  "elli",
  "etti",
  "otti",
  "ucci",
  "acci",
  "wala",
  "walla",
  "ström",
  "strom",
  "qvist",
  "kvist",
  "quist",
  "lund",
  "gren",
  "holm",
  "dahl",
  "blad",
  "stedt",
  "ský",
  "ská",
  "moto",
  "yama",
  "kawa",
  "gawa",
  "mura",
  "shita",
  "hara",
  "bara",
  "saki",
  "zaki",
  "uchi",
  "kubo",
  "tani",
  "hashi",
  "shima",
  "jima",
  "sawa",
  "zawa",
  "iou",
  "idou",
  "akou",
] as const;
