from deckgen.command import main

main()
