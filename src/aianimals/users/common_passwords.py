"""A short built-in list of the passwords people pick most often, refused at sign-up.

Written out from common knowledge of leaked-password rankings (digit runs, keyboard walks,
"password" and its spellings, names, sports, pets…), lower-case; the policy compares the
lower-cased password, and the password with trailing digits and symbols stripped, to it.
"""

from __future__ import annotations

_WORDS = """
!qaz2wsx 000000 00000000 01234567 0123456789 0987654321 111111 11111111 111111111 1111111111
112233 11223344 112358 121212 12121212 123 123123 123123123 123321 1234 12341234 12345 123456
1234567 12345678 123456789 1234567890 1234567890a 1234567890qwerty 123456789a 123456a 123456abc
123456q 1234abcd 1234qwer 123654 123abc 123qwe 135790 147258 147258369 159357 159753 1q2w3e
1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y 1qaz 1qaz2wsx 1qaz2wsx3edc 1qaz@wsx 1qazxsw2 22222222 246810
456123 55555555 654321 666666 696969 741852963 7777777 77777777 789456 789456123 88888888 987654
987654321 9876543210 99999999 a12345 a123456 a1b2c3 a1b2c3d4 aa123456 aa12345678 aaaaaa abc123
abc12345 abc123456 abcd1234 abcd123456 abcdef abcdefg abcdefgh abcdefghij abcdefghijkl
abracadabra access access14 admin admin1 admin123 admin1234 admin12345 adminadmin administrator
administrator1 amanda andrew angel angels anthony apple arsenal asd123 asdf asdf123 asdf1234
asdfasdf asdfgh asdfghjkl asdfghjkl123 asdfqwer ashley autumn autumn2024 baby babygirl banana
barcelona baseball basketball batman beautiful black blessed blue bubbles buster butterfly
catlover change-me change_me changeme changethis charlie cheese chelsea chocolate cisco computer
contrasena contraseña cookie cutie daniel default demo diamond doggy doglover dolphin doraemon
dragon dragon1 dragonball eagle falcon family flower football football1 forever freedom friends
fuckyou fuckyou1 ginger golden google guest guest123 guestguest harley hello hello123 hellohello
hellokitty hockey honey hunter hunter2 ilovecats ilovedogs iloveu iloveyou iloveyou1 iloveyou123
iloveyouforever internet ironman jasmine jennifer jessica jordan jordan23 joshua killer kitten
kitty lakers letmein letmein1 letmein123 letmein12345 letmeinplease linux lion liverpool login
login123 love lovelove lovely loveme loveyou maggie master master1 matrix matthew michael
michelle microsoft monkey monkey1 motdepasse mustang mylove myp@ssw0rd mypassword naruto
naruto123 newpassword nicole ninja nothing oldpassword onepiece opensesame oracle orange
p@ssw0rd p@ssword pa55word pass pass123 pass1234 passw0rd password password! password0
password00 password01 password1 password1! password11 password12 password123 password1234
password2 password2024 password2025 password99 passwordpassword passwordqwerty passwort pepper
phoenix pikachu pokemon princess princess1 puppy purple q1w2e3 q1w2e3r4 q1w2e3r4t5 qazwsx
qazwsxedc qazwsxedcrfv qwe123 qwe123456 qweasd qweasdzxc qwer1234 qwerasdf qwert qwerty qwerty1
qwerty12 qwerty123 qwerty1234 qwerty12345 qwerty123456 qwerty1234567890 qwerty2024 qwertyqwerty
qwertyui qwertyuiop qwertyuiop123 qwertyuiopasdf ranger red123 robert rockstar root root123
rootroot sakura samsung samurai secret secret123 shadow silver snoopy soccer spiderman spring
spring2024 starwars summer summer2024 sunflower sunshine sunshine1 superman superstar sweetheart
test test1 test123 test1234 test12345 testing testtest thomas tiger tigger tokyo toor trustno1
trustnoone ubuntu user user123 useruser welcome welcome1 welcome123 welcome1234 welcome2024
welcomewelcome whatever william winter winter2024 yankees yellow yourpassword zaq12wsx zaq1xsw2
zaq1zaq1 zxc123 zxcvbn zxcvbnm zxcvbnm123
"""

COMMON_PASSWORDS: frozenset[str] = frozenset(_WORDS.split())
