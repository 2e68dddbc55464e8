"""Hand-written evidence lexicon for IPTC Media Topics tagging (source: written by the newsworker
authors; licence: this project's, Apache-2.0).

Where it is used now: as training data of the topic model (``eval/train_topics.py`` turns each
term, and bags of terms, into examples of the concept it was written for: the news vocabulary
the labelled web pages lack) and by the baseline tagger ``eval/lexicon_topics.py``. The worker
itself no longer reads it.

Why a lexicon and not a model trained on our only labelled corpus: a classifier fitted on one
outlet and one period learns that outlet's names and house style (a TF-IDF model trained on BBC
2004-05 drops to ~0.76 on other outlets). Words such as "ceasefire", "striker" or "central bank"
mean the same thing in any outlet and any year, so the lexicon is written from general news
vocabulary (including 2020s terms: AI, crypto, streaming, esports, climate, pandemic) rather
than mined from the development set.

Format: for each concept, lines ``weight: term, term, ...``; a line without a ``weight:``
prefix continues the previous weight. Weights are tiers, not fitted numbers:
3 = nearly unambiguous for the concept, 2 = strong, 1 = indicative, 0.5 = weak hint.
Terms are matched whole-word on lowercased text with punctuation folded to spaces, so
"free-kick" and "free kick" are the same entry. A simple plural of the last word is added
automatically; a trailing ``!`` switches that off (for words such as "news").
Terms listed under a second-level concept also count for its top-level parent.

Codes and labels are IPTC facts (Media Topics, CC-BY-4.0 IPTC); "level" is the depth in the
IPTC tree with the 17 top-level concepts at level 1.
"""

from __future__ import annotations

# code: (label, level, top-level parent or None)
CONCEPTS: dict[str, tuple[str, int, str | None]] = {
    "medtop:01000000": ("arts, culture, entertainment and media", 1, None),
    "medtop:02000000": ("crime, law and justice", 1, None),
    "medtop:03000000": ("disaster, accident and emergency incident", 1, None),
    "medtop:04000000": ("economy, business and finance", 1, None),
    "medtop:05000000": ("education", 1, None),
    "medtop:06000000": ("environment", 1, None),
    "medtop:07000000": ("health", 1, None),
    "medtop:08000000": ("human interest", 1, None),
    "medtop:09000000": ("labour", 1, None),
    "medtop:10000000": ("lifestyle and leisure", 1, None),
    "medtop:11000000": ("politics", 1, None),
    "medtop:12000000": ("religion", 1, None),
    "medtop:13000000": ("science and technology", 1, None),
    "medtop:14000000": ("society", 1, None),
    "medtop:15000000": ("sport", 1, None),
    "medtop:16000000": ("conflict, war and peace", 1, None),
    "medtop:17000000": ("weather", 1, None),
    # second-level and deeper concepts we tag only on clear evidence
    "medtop:20000005": ("cinema", 3, "medtop:01000000"),
    "medtop:20000018": ("music", 3, "medtop:01000000"),
    "medtop:20000051": ("television", 3, "medtop:01000000"),
    "medtop:20000082": ("crime", 2, "medtop:02000000"),
    "medtop:20000106": ("judiciary", 2, "medtop:02000000"),
    "medtop:20000148": ("disaster", 2, "medtop:03000000"),
    "medtop:20000344": ("economy", 2, "medtop:04000000"),
    "medtop:20000385": ("market and exchange", 2, "medtop:04000000"),
    "medtop:20000418": ("climate change", 2, "medtop:06000000"),
    "medtop:20000446": ("diseases and conditions", 2, "medtop:07000000"),
    "medtop:20000574": ("election", 2, "medtop:11000000"),
    "medtop:20000592": ("human rights", 3, "medtop:11000000"),
    "medtop:20000639": ("diplomacy", 3, "medtop:11000000"),
    "medtop:20000735": ("scientific research", 2, "medtop:13000000"),
    "medtop:20000756": ("technology and engineering", 2, "medtop:13000000"),
    "medtop:20001065": ("soccer", 3, "medtop:15000000"),
    "medtop:20001085": ("tennis", 3, "medtop:15000000"),
    "medtop:20000888": ("cricket", 3, "medtop:15000000"),
    "medtop:20001176": ("rugby", 3, "medtop:15000000"),
    "medtop:20000940": ("golf", 3, "medtop:15000000"),
    "medtop:20000991": ("motor car racing", 3, "medtop:15000000"),
    "medtop:20000827": ("athletics, track and field", 3, "medtop:15000000"),
    "medtop:20000851": ("basketball", 3, "medtop:15000000"),
    "medtop:20000823": ("American football", 3, "medtop:15000000"),
    "medtop:20000849": ("baseball", 3, "medtop:15000000"),
    "medtop:20000856": ("boxing", 3, "medtop:15000000"),
    "medtop:20000892": ("cycling", 3, "medtop:15000000"),
    "medtop:20000965": ("ice hockey", 3, "medtop:15000000"),
    "medtop:20001183": ("eSports", 3, "medtop:15000000"),
    "medtop:20000053": ("act of terror", 2, "medtop:16000000"),
    "medtop:20000056": ("armed conflict", 2, "medtop:16000000"),
    "medtop:20000065": ("civil unrest", 2, "medtop:16000000"),
    "medtop:20000073": ("peace process", 2, "medtop:16000000"),
}

LEXICON: dict[str, str] = {
    # ---------------------------------------------------------------- arts, culture, media
    "medtop:01000000": """
        3: box office, red carpet, art exhibition, art gallery, arts festival, literary festival,
           booker prize, turner prize, pulitzer prize, nobel prize in literature, eurovision,
           showbiz, showbusiness, entertainment industry
        2: actor, actress, acting, film-maker, filmmaker, screenwriter, screenplay, playwright,
           novelist, poet, poetry, debut novel, his novel, her novel, new novel, bestseller,
           best-selling author, literary, fiction, author of, publisher, publishing, magazine,
           comedian, comedy, sitcom, celebrity, celebrities, entertainer, entertainment,
           theatre, theater, broadway, west end, musical, stage show, ballet, opera, orchestra,
           symphony, exhibition, gallery, museum, painter, painting, sculpture, sculptor,
           artwork, artist, artistic, curator, heritage site, cultural heritage, arts council,
           starring, starred, starring role, lead role, award-winning, award ceremony,
           awards ceremony, nominee, nominated, nomination, premiere, premiered, sequel,
           remake, biopic, trailer, fans of the show, celebrity news, influencer, youtuber,
           streamer, content creator, podcast, podcaster
        1: film, movie, cinema, drama, documentary, show, series, episode, season finale,
           culture, cultural, arts, art, book, novel, story of, memoir, audience, audiences,
           viewers, ratings, broadcaster, broadcast, broadcasting, channel, newspaper,
           journalist, journalism, editor, media, press freedom, tabloid, tv, television,
           radio, dj, presenter, host, hosted, star, stars, fame, famous, award, awards, prize,
           festival, tour, fans, stage, role, cast, character, studio, studios, franchise,
           streaming, subscribers, piracy, copyright, royalties, fashion, designer, catwalk,
           dance, dancer, anime, manga, comic, comics, video game, hollywood, bollywood
        0.5: director, performance, performed, perform, release, released, hit, pop
    """,
    "medtop:20000005": """
        3: box office, film festival, cannes, sundance, berlinale, venice film festival,
           oscar, oscars, academy award, academy awards, best picture, best director,
           best actor, best actress, best supporting actor, best supporting actress, bafta,
           golden globe, golden globes, hollywood, bollywood, film studio, film industry,
           movie star, film star, blockbuster
        2: film, movie, cinema, cinemas, film-maker, filmmaker, screenplay, screenwriter,
           biopic, sequel, animated film, documentary film, feature film, moviegoers,
           box-office, director of the film, premiere, pixar, disney, warner bros,
           paramount, universal pictures
    """,
    "medtop:20000018": """
        3: album, albums, singer, singers, songwriter, singer-songwriter, rapper, hip-hop,
           hip hop, pop star, rock star, rock band, boy band, girl band, lead singer,
           guitarist, drummer, bassist, concert, concerts, gig, gigs, musician, musicians,
           grammy, grammys, brit awards, mtv, singles chart, uk chart, top 40,
           number one single, music industry, record label, record company,
           music festival, glastonbury, coachella, k-pop, orchestra, symphony, opera,
           lyrics, duet, world tour, live music, music
        2: band, bands, song, songs, musical, spotify, jazz, classical music, pop music,
           reggae, country music, composer, rap, vocals
        1: single, chart, charts, tour, tours, rock, headlined, dj, conductor
    """,
    "medtop:20000051": """
        3: tv series, tv show, television series, television show, sitcom, soap opera,
           reality show, reality tv, talent show, chat show, game show, primetime,
           tv channel, tv audience, tv ratings, streaming service, streaming services,
           tv presenter, television presenter, emmy, emmys, drama series, comedy series,
           miniseries
        2: tv, television, broadcaster, netflix, hbo, disney+, episode, episodes, viewers,
           presenter
        1: broadcast, channel, series, season, soap
    """,
    # ---------------------------------------------------------------- crime, law, justice
    "medtop:02000000": """
        2: law enforcement, lawsuit, legal action, legal challenge, class action, sued,
           sue, suing, litigation, lawyer, lawyers, attorney, attorneys, solicitor,
           barrister, legal, illegal, illegally, unlawful, unlawfully, injunction,
           regulator ruled, antitrust, copyright infringement, patent infringement,
           legislation, law, laws, ruling, ruled, statute, constitution court, tribunal,
           prosecute, prosecuted, prosecution, prosecutor, prosecutors, inquest, coroner,
           inquiry, investigation, investigators, watchdog, fined, fine, penalty notice
        1: rules, rule, regulation, regulations, banned, ban, complaint, complaints,
           allegation, allegations, alleged, allegedly, accused, accusations, claims
    """,
    "medtop:20000082": """
        3: murder, murdered, murderer, manslaughter, homicide, arrested, police officer,
           police officers, policeman, policewoman, detective, detectives, robbery, robber,
           burglary, burglar, theft, thief, thieves, shoplifting, fraudster, embezzlement,
           bribery, money laundering, smuggling, smuggler, drug dealer, drug dealing,
           cartel, gangster, mafia, organised crime, organized crime, kidnapping,
           kidnappers, abduction, sexual assault, rape, raped, stabbing, stabbed, gunman,
           gunmen, shot dead, knife crime, gun crime, hate crime, cybercrime, cyber crime,
           identity theft, extortion, forgery, vandalism, arson, domestic violence, fbi,
           interpol, europol, scotland yard, crime scene, forensic, forensics, manhunt,
           jailed, inmate, inmates, parole, crime, crimes, criminal, criminals
        2: arrest, arrests, police, suspect, suspects, offender, offenders, offence,
           offences, offense, offenses, stolen, stealing, fraud, fraudulent, scam, scams,
           scammer, scammers, bribe, bribes, trafficking, trafficker, gang, gangs,
           kidnapped, abducted, assault, assaulted, sexual abuse, ransomware, counterfeit,
           jail, prison, prisons, prisoner, bail, killing, killings
        1: officers, abuse, shooting, custody
    """,
    "medtop:20000106": """
        3: court, courts, judge, judges, jury, juror, jurors, trial, retrial, verdict,
           pleaded guilty, pleaded not guilty, convicted, conviction, acquitted,
           acquittal, sentenced, sentencing, indicted, indictment, charged with,
           faces charges, defendant, defendants, plaintiff, testimony, testified,
           magistrate, magistrates, supreme court, high court, crown court,
           appeals court, court of appeal, federal court, district court, judicial,
           judiciary, justice system, extradition, extradited
        2: guilty, not guilty, witness, witnesses, lawyers for, barrister
        1: sentence, hearing, hearings, appeal, appealed
    """,
    # ---------------------------------------------------------------- disaster, accident
    "medtop:03000000": """
        3: death toll, rescue workers, rescuers, rescue teams, search and rescue,
           emergency services, emergency workers, firefighters, fire brigade, fire crews,
           plane crash, air crash, helicopter crash, train crash, car crash, bus crash,
           road accident, derailed, derailment, capsized, shipwreck, building collapse,
           collapsed building, mine collapse, natural disaster, humanitarian crisis,
           relief effort, relief efforts, aid agencies, red cross, red crescent,
           state of emergency, fire broke out, gas leak
        2: accident, accidents, collision, collided, sank, explosion, blaze, survivors,
           disaster, disasters, catastrophe, evacuated, evacuation, evacuate
        1: emergency, blast, casualties, killed, dead, injured, injuries, missing, victims,
           trapped, debris, rubble, damage, damaged, destroyed, shelters
    """,
    "medtop:20000148": """
        3: earthquake, earthquakes, quake, aftershock, aftershocks, tsunami, flood, floods,
           flooding, flash floods, landslide, landslides, mudslide, avalanche, volcano,
           volcanic, eruption, erupted, wildfire, wildfires, bushfire, bushfires,
           forest fire, hurricane, typhoon, cyclone, tornado, tornadoes, famine,
           natural disaster
        2: drought
        1: magnitude
    """,
    # ---------------------------------------------------------------- economy, business, finance
    "medtop:04000000": """
        3: chief executive, ceo, chief financial officer, cfo, shareholder, shareholders,
           pre-tax profit, pre-tax profits, profits, profit, net income, revenue, revenues,
           turnover, earnings, quarterly results, annual results, full-year results,
           first-quarter, second-quarter, third-quarter, fourth-quarter, dividend,
           dividends, takeover, takeover bid, merger, mergers, acquisition, acquisitions,
           buyout, private equity, venture capital, hedge fund, ipo, initial public
           offering, stock market listing, market value, market share, valuation,
           bankruptcy, bankrupt, insolvency, chapter 11, creditors, investors, investor,
           investment bank, retail sales, consumer spending, carmaker, carmakers,
           car maker, automaker, automakers, trade deficit, trade surplus, tariff,
           tariffs, trade war, trade deal, free trade, commodity, commodities, oil price,
           oil prices, crude oil, opec, mortgage, mortgages, lender, lenders, banking,
           bankers, fund manager, analysts, fintech, e-commerce, cryptocurrency,
           cryptocurrencies, bitcoin, ethereum, stablecoin, crypto exchange, cost of
           living, budget deficit, year-on-year, economy, economic, sterling
        2: business, businesses, company, companies, firm, firms, corporation, corporate,
           conglomerate, subsidiary, retailer, retailers, retail, supermarket,
           supermarkets, sales, consumer, consumers, customers, shoppers, brand, brands,
           airline, airlines, manufacturer, manufacturers, manufacturing, factory,
           factories, industry, industrial, supply chain, supply chains, exports, imports,
           exporter, exporters, crude, barrel, barrels, gas prices, energy prices,
           energy company, lending, loan, loans, borrowing, credit, bank, banks, insurer,
           insurance, pension fund, asset, assets, analyst, investment, investments,
           startup, start-up, online retailer, crypto, nft, nfts, debt, debts, finance,
           financial, finances, fiscal, dollar, dollars, yen, yuan, rouble, rupee, peso
        1.5: tax, taxes, taxation, subsidies, prices, price, costs, pricing, euro, euros,
           pound, pounds, market, markets, growth, demand, supply, output, billion,
           billions, bn, stake, deal, per cent, percent, $, £, €, ¥, %
        0.5: million, quarter, annual, forecast, forecasts, outlook, bid, sell, sold, buy,
           bought, jobs, rose, fell, rise, fall, slump, surge, boom, cheaper, spending
    """,
    "medtop:20000344": """
        3: economy, economies, economic, economics, economist, economists, gdp,
           gross domestic product, inflation, deflation, interest rate, interest rates,
           rate cut, rate rise, rate hike, rate hikes, base rate, central bank,
           federal reserve, the fed, bank of england, european central bank, ecb,
           bank of japan, monetary policy, quantitative easing, recession, economic growth,
           slowdown, downturn, stagflation, consumer prices, consumer price index, cpi,
           imf, international monetary fund, world bank, oecd, current account deficit,
           balance of payments, public finances, national debt, government debt,
           borrowing costs, fiscal policy, stimulus, productivity, cost of living
    """,
    "medtop:20000385": """
        3: stock market, stock markets, stock exchange, share price, share prices, shares,
           stocks, equities, wall street, dow jones, the dow, nasdaq, s&p 500, ftse,
           ftse 100, nikkei, hang seng, dax, cac 40, bond, bonds, bond yields, treasury
           yields, gilts, currency, currencies, exchange rate, exchange rates, forex,
           foreign exchange, commodity markets, futures, traders, trading, brent crude,
           benchmark index, index, indices, sell-off, market capitalisation,
           market capitalization, bull market, bear market
    """,
    # ---------------------------------------------------------------- education
    "medtop:05000000": """
        3: school, schools, pupil, pupils, student, students, teacher, teachers, teaching,
           classroom, classrooms, headteacher, head teacher, headmaster, headmistress,
           university, universities, campus, tuition, tuition fees, student loans,
           curriculum, exam, exams, examination, gcse, gcses, a-level, a-levels,
           education, educational, educators, kindergarten, nursery school,
           primary school, secondary school, high school, undergraduate, undergraduates,
           postgraduate, lecturer, lecturers, literacy, numeracy, homework, ofsted,
           school year, school board
        2: college, colleges, graduate, graduates, phd, scholarship, scholarships,
           academics
        1: degree, degrees, professor, professors, academic, learning, principal of
    """,
    # ---------------------------------------------------------------- environment
    "medtop:06000000": """
        3: environment, environmental, environmentalist, environmentalists, pollution,
           polluted, polluting, polluter, air quality, air pollution, water pollution,
           plastic waste, plastic pollution, recycling, landfill, biodiversity,
           deforestation, reforestation, conservationists, endangered species,
           extinction, wildlife, habitat, habitats, ecosystem, ecosystems, coral reef,
           coral reefs, rainforest, rainforests, greenpeace, wwf, friends of the earth,
           renewable energy, clean energy, green energy, solar power, solar panels,
           solar farm, wind power, wind farm, wind farms, wind turbines, hydropower,
           fossil fuel, fossil fuels
        2: renewable, renewables, conservation, endangered, extinct, recycled, coal-fired,
           sustainability
        1: species, nature, green, coal, sustainable
    """,
    "medtop:20000418": """
        3: climate change, climate crisis, global warming, greenhouse gas, greenhouse gases,
           carbon emissions, emissions, carbon dioxide, co2, methane, net zero, net-zero,
           carbon neutral, decarbonise, decarbonize, carbon footprint, carbon tax,
           carbon capture, climate summit, climate talks, cop26, cop27, cop28, cop29, cop30,
           paris agreement, kyoto protocol, ipcc, sea levels, sea level rise, melting ice,
           ice sheet, glaciers, climate, climate activists, extreme weather
    """,
    # ---------------------------------------------------------------- health
    "medtop:07000000": """
        3: health, healthcare, health care, health service, nhs, hospital, hospitals,
           patient, patients, doctor, doctors, nurse, nurses, physician, physicians,
           surgeon, surgeons, surgery, gp, gps, clinic, clinics, medical, medicine,
           medicines, medication, clinical trial, clinical trials, drug trial,
           pharmaceutical, pharmaceuticals, drugmaker, drugmakers, vaccine, vaccines,
           vaccination, vaccinations, vaccinated, world health organization,
           world health organisation, public health, mental health, intensive care, icu,
           a&e, emergency department, ambulance, ambulances, nhs trust, health secretary,
           health minister, health officials, diagnosis, diagnosed, symptoms,
           prescription, prescriptions, pfizer, moderna, astrazeneca, lockdown, lockdowns,
           social distancing, quarantine, face masks, obesity, life expectancy
        2: treatment, treatments, therapy, therapies, jab, jabs, wellbeing, well-being,
           smoking, tobacco, nutrition
        1: diet, alcohol, fitness, drugs, drug
    """,
    "medtop:20000446": """
        3: disease, diseases, illness, illnesses, cancer, cancers, tumour, tumor,
           leukaemia, diabetes, heart disease, heart attack, dementia, alzheimer's,
           parkinson's, asthma, infection, infections, infectious, pandemic, epidemic,
           outbreak, covid, covid-19, coronavirus, sars, mers, flu, influenza, bird flu,
           swine flu, measles, polio, malaria, tuberculosis, cholera, ebola, zika, mpox,
           monkeypox, hiv, hiv/aids, long covid, autism
        2: infected, virus, syndrome, chronic, outbreaks
        1: depression, anxiety, disorder, viruses
    """,
    # ---------------------------------------------------------------- human interest
    "medtop:08000000": """
        2: centenarian, 100th birthday, royal wedding, royal family, royal baby, puppy,
           kitten, zoo, heartwarming, quirky, world record attempt, guinness world records,
           lottery, jackpot, good samaritan, reunited
        1: birthday, anniversary, prince, princess, duchess, duke, queen, king, pet, pets,
           dog, dogs, cat, cats, animal, animals, bizarre, wedding, weddings, hero, heroes
    """,
    # ---------------------------------------------------------------- labour
    "medtop:09000000": """
        3: unemployment, unemployed, jobless, jobless rate, unemployment rate, job cuts,
           job losses, layoffs, laid off, redundancies, redundancy, workforce, employment,
           minimum wage, living wage, pay rise, pay rises, pay deal, pay dispute,
           pay freeze, trade union, trade unions, labor union, labour union,
           union members, striking workers, industrial action, walkout, walkouts,
           picket, picket line, collective bargaining, labour market, labor market,
           staff shortages, working hours, four-day week, remote working,
           working from home, work from home, gig economy, zero-hours, tuc, afl-cio,
           apprenticeship, apprenticeships, retirement age
        2: employer, employers, employee, employees, workers, workplace, wage, wages,
           salary, salaries, unions, strike, strikes, hiring, recruitment, labor
        1: pension, pensions, retirement, jobs, job, staff, worker
        0.5: labour
    """,
    # ---------------------------------------------------------------- lifestyle, leisure
    "medtop:10000000": """
        2: travel, traveller, travellers, traveler, travelers, tourism, tourist, tourists,
           holidaymakers, vacation, vacations, resort, resorts, hotel, hotels, cruise,
           theme park, restaurant, restaurants, chef, chefs, recipe, recipes, cooking,
           cuisine, food and drink, wine, beer, cocktail, dining, fashion, fashion week,
           beauty, cosmetics, gardening, hobby, hobbies, leisure, lifestyle, dating,
           video game, video games, gamer, gamers, board game, crossword, hiking, camping
        1: holiday, holidays, style, garden, shopping, puzzle, gaming, black friday
    """,
    # ---------------------------------------------------------------- politics
    "medtop:11000000": """
        3: politics, political, politician, politicians, prime minister, cabinet minister,
           parliament, parliamentary, mp, mps, member of parliament, senator, senators,
           senate, congressman, congresswoman, congressional, lawmakers, lawmaker,
           legislators, legislature, legislative, presidential, presidency, white house,
           downing street, kremlin, whitehall, westminster, capitol hill, house of commons,
           the commons, house of lords, bundestag, duma, knesset, lok sabha,
           house of representatives, opposition leader, coalition government, democrats,
           republicans, democratic party, republican party, gop, conservative party,
           tory, tories, labour party, labour's, labour government, labour mp,
           labour leader, liberal democrats, lib dems, lib dem, liberal democrat, snp,
           plaid cymru, ukip, reform uk, green party, cdu, spd, afd, bjp, political party,
           political parties, party leader, party leadership, party conference,
           shadow cabinet, shadow chancellor, shadow home secretary,
           shadow foreign secretary, home secretary, chancellor of the exchequer,
           first minister, chief minister, home office, interior ministry, civil service,
           spending review, manifesto, referendum, impeachment, impeached, inauguration,
           sworn in, backbench, backbencher, backbenchers, frontbench, european commission,
           european parliament, populist, populism, left-wing, right-wing, far-right,
           far-left
        2: government, governments, minister, ministers, cabinet, congress, president,
           vice-president, vice president, opposition, coalition, democrat, republican,
           conservative, conservatives, secretary of state, premier, governor, mayor,
           councillors, local authority, local authorities, ministry, civil servants,
           policy, policies, public spending, legislation, bill, bills, pledge, pledged,
           campaigners, constitution, constitutional, democracy, democratic, dictatorship,
           dictator, regime, authoritarian, autocrat, junta, sovereignty, devolution,
           resignation, sleaze, lobbying, lobbyist, lobbyists, whip, eu, european union,
           un, united nations, nato, g7, g20, sanctions, asylum, immigration, migrants,
           nationalist, nationalism, liberal, liberals, socialist, communist,
           communist party, peers, party, parties, national security, public services,
           foreign secretary, diplomatic, election, elections, voters, vote, votes,
           campaign, campaigning
        1.5: labour
        1: council, reform, reforms, law, act, promised, independence, resign, resigned,
           scandal, speaker, lords, brussels, migration, border, borders, visa, visas,
           tax, taxes, welfare, spokesman, spokeswoman, officials, federal, budget, critics,
           rights, powers, debate, plans, proposals
    """,
    "medtop:20000574": """
        3: election, elections, general election, presidential election, midterm,
           midterms, by-election, by-elections, local elections, snap election,
           electoral, electorate, voters, voter, vote, votes, voting, polls, poll,
           opinion poll, opinion polls, polling, polling station, polling stations,
           ballot, ballots, ballot box, turnout, candidate, candidates, candidacy,
           campaign trail, election campaign, primary election, primaries, caucus,
           constituency, constituencies, seat, seats, marginal seat, majority, re-elected,
           re-election, electoral commission, postal votes, recount, landslide victory
    """,
    "medtop:20000592": """
        3: human rights, human rights watch, amnesty international, rights groups,
           rights group, rights activists, rights abuses, human rights abuses,
           human rights violations, human rights council, un human rights, civil rights,
           civil liberties, freedom of speech, freedom of expression, press freedom,
           freedom of assembly, torture, tortured, arbitrary detention, detention camps,
           political prisoners, prisoner of conscience, persecution, persecuted,
           ethnic cleansing, genocide, crimes against humanity, forced labour,
           forced labor, indigenous rights, women's rights, lgbt rights, death penalty,
           extrajudicial, enforced disappearances, detainees, detainee
        2: detention, discrimination, ethnic minority, ethnic minorities, ethnic group,
           minority groups, executions, repression, dissidents, dissident, censorship
        1: detained, crackdown, surveillance, rights
    """,
    "medtop:20000639": """
        3: diplomacy, diplomatic, diplomat, diplomats, ambassador, ambassadors, embassy,
           embassies, consulate, envoy, envoys, foreign minister, foreign ministers,
           foreign secretary, foreign office, foreign ministry, foreign affairs,
           foreign policy, state visit, bilateral talks, un general assembly,
           security council, un security council, secretary-general
        2: secretary of state, summit, summits, bilateral, multilateral, treaty, treaties,
           united nations, sanctions, negotiations, negotiators, mediation, mediator,
           mediators
           peace talks, peace deal, peace agreement, peace plan, peace proposal,
           peace negotiations, peace conference, peace summit, peace envoy, ceasefire talks,
           ceasefire deal, ceasefire proposal
        1: talks, negotiate, accord, alliance, allies, ally, relations
    """,
    # ---------------------------------------------------------------- religion
    "medtop:12000000": """
        3: religion, religions, religious, church, churches, cathedral, mosque, mosques,
           synagogue, synagogues, christianity, muslim, muslims, islam, judaism, hindu,
           hindus, hinduism, buddhist, buddhists, buddhism, sikh, sikhs, pope, papal,
           vatican, archbishop, bishop, bishops, priest, priests, clergy, cleric, clerics,
           imam, rabbi, catholic, catholics, protestant, anglican, evangelical,
           orthodox church, bible, quran, koran, torah, ramadan, eid, diwali, hanukkah,
           passover, pilgrimage, pilgrims, worship, worshippers, theology, sermon,
           congregation, blasphemy, atheist, atheists
        2: faith, faiths, christian, christians, jewish, jews, temple, temples, prayer,
           prayers
        1: secular, spiritual, holy, saint
    """,
    # ---------------------------------------------------------------- science and technology
    "medtop:13000000": """
        3: science, scientific, scientist, scientists, researchers, physics, physicist,
           chemistry, chemist, biology, biologist, astronomy, astronomer, astronomers,
           genome, genetic, genetics, dna, stem cell, stem cells, laboratory,
           laboratories, peer-reviewed, space agency, nasa, esa, spacecraft,
           space station, spaceflight, astronaut, astronauts, telescope, asteroid, comet,
           galaxy
        2: gene, genes, experiment, experiments, journal, published in, rocket, rockets,
           satellite, satellites, planet, planets, universe, research, lab
        1: study, studies, orbit, mars, moon
    """,
    "medtop:20000756": """
        3: technology, technologies, technological, hi-tech, high-tech, computer,
           computers, computing, software, hardware, internet, broadband, wi-fi, wifi,
           wireless, bluetooth, mobile phone, mobile phones, smartphone, smartphones,
           handset, handsets, iphone, ipad, android, ios, microsoft, samsung, nokia,
           motorola, intel, amd, nvidia, qualcomm, tsmc, ibm, huawei, xiaomi, openai,
           chatgpt, anthropic, deepmind, social network, social networking, downloads,
           downloaded, downloading, data centre, data centres, data center, data centers,
           cloud computing, processor, processors, chipmaker, chipmakers, semiconductor,
           semiconductors, microchip, microchips, silicon valley, artificial intelligence,
           ai, machine learning, deep learning, neural network, generative ai,
           large language model, large language models, llm, llms, chatbot, chatbots,
           robotics, quantum computing, quantum computer, virtual reality,
           augmented reality, vr, metaverse, gadget, gadgets, wearable, wearables,
           smartwatch, laptop, laptops, pc, pcs, games console, playstation, xbox,
           nintendo, video game, video games, gamers, game developer, game developers,
           cyber attack, cyber attacks, cyberattack, cyberattacks, cybersecurity,
           cyber security, hacker, hackers, hacking, hacked, malware, computer virus,
           spam, phishing, spyware, ransomware, encryption, encrypted, security flaw,
           open source, open-source, linux, operating system, browser, browsers,
           search engine, search engines, e-mail, e-mails, blogger, bloggers, blogging,
           file-sharing, file sharing, peer-to-peer, p2p, high-definition, digital tv,
           mp3, ipod, itunes, 5g, 4g, 3g, telecoms, telecommunications, electric vehicle,
           electric vehicles, electric car, electric cars, self-driving, driverless,
           autonomous vehicles, touchscreen, digital camera, gigabyte, gigabytes, megabits,
           bandwidth, tech firm, tech firms, tech giant, tech giants, tech company,
           tech companies, consumer electronics, programmer, programmers, voip, skype,
           algorithm, algorithms
        2: tech, website, websites, web, online, mobile, mobiles, phone, phones, apple,
           google, sony, facebook, twitter, instagram, tiktok, youtube, whatsapp,
           snapchat, social media, app, apps, download, digital, database, databases,
           server, servers, chip, chips, silicon, robot, robots, automation, headset,
           headsets, device, devices, desktop, tablet, tablets, console, consoles, gaming,
           viruses, worm, trojan, password, passwords, vulnerability, vulnerabilities,
           email, emails, blog, blogs, podcast, podcasts, dvd, dvds, hd, telecom,
           engineers, engineering, innovation, inventor, invention, inventions, patent,
           patents, ev, evs, battery, batteries, drone, drones, blockchain, bitcoin,
           crypto, esports, e-sports, camera, cameras, pixels, electronics, ces, mwc,
           coding, developers, developer, gps, sensor, sensors, amazon, ebay, yahoo,
           users, 3d
        1: data, user, network, networks, streaming, screen, screens, keyboard, code,
           startup, start-up, platform, platforms, spectrum, search, searches, bug, bugs,
           patch, windows, netflix, spotify, automated
    """,
    "medtop:20000735": """
        3: researchers, scientists, published in, peer-reviewed, research team, laboratory
        2: study, studies, journal, experiment, experiments, research
        1: findings, university of, institute
    """,
    # ---------------------------------------------------------------- society
    "medtop:14000000": """
        2: poverty, homeless, homelessness, rough sleeping, inequality, welfare state,
           social security, charity, charities, immigration, immigrants, asylum seekers,
           census, demographic, demographics, birth rate, ageing population, racism,
           racist, racial, gender equality, lgbt, lgbtq, lgbtq+, same-sex,
           same-sex marriage, gay marriage, transgender, abortion, childcare,
           child poverty, pensioners, disability, disabled, social housing,
           affordable housing, social care, social services, feminism, feminist,
           suicide, addiction, loneliness, divorce
        1: society, social, poor, welfare, benefits, volunteers, volunteer, community,
           communities, migrants, refugees, population, discrimination, gender, equality,
           gay, lesbian, family, families, parents, children, elderly, old people,
           housing, women, diversity, inclusion, youth, teenagers, young people,
           marriage, middle class, working class
        0.5: child
    """,
    # ---------------------------------------------------------------- sport
    "medtop:15000000": """
        3: sport, sports, sporting, athlete, athletes, stadium, stadiums, olympic, olympics,
           olympic games, paralympic, paralympics, paralympic games, commonwealth games,
           world championships, world championship, world cup, gold medal, silver medal,
           bronze medal, medallist, medalist, personal best, semi-final, semi-finals,
           semifinal, semifinals, quarter-final, quarter-finals, quarterfinal,
           quarterfinals, defending champion, squad, squads, team-mate, teammate,
           teammates, head coach, referee, referees, umpire, umpires, play-off, play-offs,
           playoff, playoffs, relegation, relegated, unbeaten, winning streak, hamstring,
           sidelined, transfer window, transfer fee, anti-doping, wada, ioc, marathon,
           sprinter, hurdles, swimmer, swimmers, gymnastics, gymnast, skiing, skier,
           snowboard, horse racing, jockey, racecourse, grand national, title fight,
           ufc, mma, judo, equestrian, triathlon, top of the table, points clear,
           goal difference, kick-off, scored, fixture, fixtures
        2: tournament, tournaments, championship, championships, trophy, trophies,
           champion, champions, league, leagues, cup, match, matches, captain, captained,
           coach, coaches, manager, player, players, fans, supporters, season, seasons,
           defeat, defeated, defeats, victory, victories, medal, medals, world record,
           doping, drug test, racing, runner, runners, sprint, relay, swimming, rowing,
           sailing, regatta, heavyweight, bout, knockout, wrestling, lap, laps, podium,
           pole position, opponent, opponents, comeback, innings, injury, ankle injury,
           knee injury, groin, debut, signing, transfer, trainer, derby, rankings, ranked
        1: final, finals, title, titles, win, wins, won, beat, beaten, draw, drew, score,
           scoring, points, seeded, seed, contract, race, races, games, game, pitch,
           rival, rivals, clash, injured, training, record, club, clubs, team, teams
    """,
    "medtop:20001065": """
        3: football, soccer, footballer, footballers, striker, strikers, midfielder,
           midfielders, goalkeeper, goalkeepers, winger, full-back, centre-back,
           centre-half, goalscorer, own goal, equaliser, equalizer, penalty shootout,
           free-kick, free kick, corner kick, hat-trick, hat trick, stoppage time,
           injury time, half-time, red card, yellow card, sent off, offside,
           clean sheet, premier league, premiership, champions league, europa league,
           conference league, fa cup, league cup, carling cup, efl, la liga, serie a,
           bundesliga, ligue 1, mls, eredivisie, uefa, fifa, copa america
        2: goal, goals, defender, defenders, keeper, penalty, penalties, header, var,
           extra time, half time, second half, first half, manchester united,
           manchester city, liverpool, arsenal, chelsea, tottenham, real madrid,
           barcelona, bayern munich, juventus, psg
    """,
    "medtop:20001085": """
        3: tennis, wimbledon, us open, french open, roland garros, australian open,
           atp, wta, davis cup, billie jean king cup, tiebreak, tie-break, break point,
           match point, set point, straight sets, double fault
        2: grand slam, baseline, seeded
        1: serve, serving, ace, aces
    """,
    "medtop:20000888": """
        3: cricket, cricketer, cricketers, test match, test series, odi, one-day
           international, twenty20, t20, ipl, the ashes, wicket, wickets, batsman,
           batsmen, bowler, bowlers, run out, lbw, icc, county championship, spinner,
           seamer
        2: innings, bowled, ashes
        1: batter, batters, bowling, century, centuries
    """,
    "medtop:20001176": """
        3: rugby, rugby union, rugby league, six nations, scrum, scrums, lineout, line-out,
           fly-half, scrum-half, flanker, number eight, drop goal, super rugby,
           heineken cup, champions cup, lions tour, british and irish lions, all blacks,
           springboks, wallabies
        1: try, tries, conversion, prop
    """,
    "medtop:20000940": """
        3: golf, golfer, golfers, pga, pga tour, the masters, us masters, ryder cup,
           open championship, birdie, birdies, bogey, bogeys, fairway, fairways,
           green jacket, liv golf, european tour, dp world tour, caddie
        1: eagle, par
    """,
    "medtop:20000991": """
        3: formula one, formula 1, f1, grand prix, motor racing, motorsport, motorsports,
           nascar, indycar, pole position, pit stop, pit lane, racing driver,
           drivers' championship, constructors' championship, chequered flag, motogp,
           superbike, le mans, red bull racing
        1: qualifying, rally, rallying, ferrari, mclaren
    """,
    "medtop:20000827": """
        3: athletics, track and field, sprinter, sprinters, sprint, 100m, 200m, 400m, 800m,
           1500m, 5,000m, 10,000m, hurdles, hurdler, marathon, long jump, high jump,
           triple jump, pole vault, javelin, discus, shot put, heptathlon, decathlon,
           relay, indoor championships, diamond league, world athletics, iaaf
    """,
    "medtop:20000851": """
        3: basketball, nba, wnba, euroleague, slam dunk, three-pointer, point guard,
           march madness
        1: dunk, rebounds, lakers, celtics, warriors
    """,
    "medtop:20000823": """
        3: american football, nfl, super bowl, quarterback, quarterbacks, touchdown,
           touchdowns, linebacker, wide receiver, running back, end zone, field goal
    """,
    "medtop:20000849": """
        3: baseball, mlb, world series, home run, home runs, pitcher, pitchers, inning,
           shortstop, yankees, red sox, dodgers
    """,
    "medtop:20000856": """
        3: boxing, boxer, boxers, heavyweight title, world title fight, wbc, wba, ibf,
           wbo, undisputed champion, title fight
        1: bout, knockout, knocked out, ring
    """,
    "medtop:20000892": """
        3: cycling, cyclist, cyclists, tour de france, giro d'italia, vuelta, peloton,
           stage win, yellow jersey, time trial, velodrome
    """,
    "medtop:20000965": """
        3: ice hockey, nhl, stanley cup, puck, power play
    """,
    "medtop:20001183": """
        3: esports, e-sports, esport, league of legends, dota, counter-strike, valorant,
           fortnite, pro gamer, pro gamers, gaming tournament, twitch
    """,
    # ---------------------------------------------------------------- conflict, war, peace
    "medtop:16000000": """
        3: war, wars, warfare, wartime, warring, warring parties, military, militaries,
           troops, soldier, soldiers, army, armies, armed forces, navy, naval, air force,
           defence minister, defense minister, defence secretary, defense secretary,
           ministry of defence, pentagon, nuclear weapons, arms race, arms control,
           missile, missiles, ballistic missile, rocket attack, rocket attacks,
           drone strike, drone strikes, drone attack, drone attacks, hostilities,
           mobilisation, mobilization, conscription, conscripts, annexation, annexed,
           occupied territories, prisoners of war, war crimes, war crime, massacre,
           massacres, atrocities, humanitarian corridor, refugee camp, refugee camps,
           coup, coup attempt, military coup
        2: weapons, weapon, conflict, conflicts, civilians, veterans, occupation,
           hostage, hostages, genocide, humanitarian aid, displaced, junta, defence,
           defense
        1: arms, occupied, humanitarian, peace
    """,
    "medtop:20000056": """
        3: armed conflict, civil war, invasion, invaded, counteroffensive,
           counter-offensive, airstrike, airstrikes, air strike, air strikes, air raid,
           air raids, bombardment, shelling, shelled, artillery, fighter jets, warplanes,
           warship, warships, front line, frontline, front lines, battlefield, clashes,
           skirmishes, militants, militant, militia, militias, insurgents, insurgency,
           insurgent, rebels, guerrilla, guerrillas, paramilitary, combatants,
           killed in fighting, military operation, ground operation, siege, besieged,
           border clashes
        2: invade, offensive, bombing, bombings, bombed, tanks, fighting, clashed, rebel,
           casualties
        1: battle, battles, fought, combat
    """,
    "medtop:20000073": """
        3: ceasefire, ceasefires, cease-fire, truce, armistice, peace talks, peace deal,
           peace agreement, peace accord, peace plan, peace process, peace proposal,
           peace proposals, peace negotiations, peace initiative, peace conference,
           peace summit, peace envoy, peacekeeping, peacekeepers, peacekeeping force,
           end the war, end to the war, end the fighting, negotiated settlement,
           prisoner exchange, prisoner swap, demilitarised zone, demilitarized zone,
           reconciliation
    """,
    "medtop:20000053": """
        3: terrorism, terrorist, terrorists, terror attack, terror attacks,
           terrorist attack, terrorist attacks, terror plot, suicide bomber,
           suicide bombers, suicide bombing, suicide attack, car bomb, explosive device,
           ied, jihadist, jihadists, al-qaeda, al qaeda, islamic state, isis, isil,
           boko haram, al-shabab, counter-terrorism, anti-terror, radicalisation,
           radicalization, extremist, extremists
    """,
    "medtop:20000065": """
        3: protesters, protestors, demonstrators, riot, riots, rioting, rioters, unrest,
           civil unrest, tear gas, water cannon, rubber bullets, uprising, civil
           disobedience, curfew
        2: protest, protests, protested, demonstration, demonstrations, revolt, marchers
        1: rally, rallies, crackdown, march, marched, dispersed
    """,
    # ---------------------------------------------------------------- weather
    "medtop:17000000": """
        3: weather, weather forecast, forecasters, met office, national weather service,
           meteorological, meteorologist, meteorologists, rainfall, heavy rain, downpour,
           downpours, snowfall, sleet, blizzard, thunderstorm, thunderstorms, gale,
           gales, gusts, high winds, heatwave, heatwaves, heat wave, degrees celsius,
           celsius, fahrenheit, hailstorm, cold snap, monsoon, el nino, la nina,
           weather warning, amber warning, severe weather
        2: rain, snow, storm, storms, temperatures, frost, fog, hail, humidity, hurricane,
           typhoon, cyclone, tornado
        1: showers, lightning, winds, temperature, sunshine, sunny, cloudy, freezing, icy
    """,}
