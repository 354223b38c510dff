from podcheck.entry import main

main()
